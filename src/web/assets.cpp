#include "assets.hpp"

namespace blindspot::web::assets {

const std::string_view kStyleCss = R"css(
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 0 auto; padding: 0 1rem 3rem; line-height: 1.5; color: #1d1d1f; }
header { display: flex; justify-content: space-between; border-bottom: 1px solid #ccc; padding: .6rem 0; margin-bottom: 1rem; }
blockquote { background: #f6f6f6; border-left: 4px solid #888; margin: .5rem 0; padding: .5rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
mark { background: #ffe066; padding: 0 .1em; }
label { display: block; font-weight: 600; margin-top: .8rem; }
textarea, select { width: 100%; box-sizing: border-box; font: inherit; }
fieldset { margin: 1rem 0; border: 1px solid #ccc; }
button, .button { margin-top: 1rem; padding: .5rem 1.2rem; font: inherit; background: #2455a4; color: #fff; border: 0; border-radius: 4px; text-decoration: none; display: inline-block; }
.steps { display: flex; gap: 1rem; list-style: none; padding: 0; color: #777; }
.steps .current { color: #000; font-weight: 700; }
.hypothesis { background: #eef4ff; padding: .5rem .8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
dl.uu-facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.uu-facts dt { font-weight: 600; }
.likert { display: flex; gap: 1rem; flex-wrap: wrap; }
.likert label { font-weight: 400; margin: 0; }
.notice { background: #fff4e0; border-left: 4px solid #d98200; padding: .5rem .8rem; }
button.secondary { background: #e8eefa; color: #2455a4; border: 1px solid #2455a4; margin-top: .4rem; padding: .3rem .8rem; }
.feedback output { margin-left: .6rem; font-weight: 600; }
.code { font-size: 1.6rem; font-family: monospace; background: #eef4ff; padding: .3rem .6rem; }
)css";

const std::string_view kHeartbeatJs = R"js('use strict';
// Tells the server the annotator is still working on this task, once a minute at most and only
// after some input since the last heartbeat: an open but unattended page earns no active time.
(function () {
  var form = document.querySelector('form[data-heartbeat]');
  if (!form) return;
  var url = form.getAttribute('data-heartbeat');
  var csrf = form.querySelector('input[name="csrf"]').value;
  var active = false;
  ['keydown', 'input', 'mousemove', 'mousedown', 'scroll', 'touchstart'].forEach(function (name) {
    document.addEventListener(name, function () { active = true; }, { passive: true });
  });
  setInterval(function () {
    if (!active || document.hidden) return;
    active = false;
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'csrf=' + encodeURIComponent(csrf)
    }).catch(function () {});
  }, 60000);
})();
)js";

const std::string_view kFeedbackJs = R"js('use strict';
// "Ask the model" without reloading the page: posts the sample's text and shows the model's
// reading beside it. The server records the score, and the submission keeps the last one per text.
(function () {
  var form = document.querySelector('form[data-heartbeat]');
  if (!form) return;
  var csrf = form.querySelector('input[name="csrf"]').value;
  form.querySelectorAll('button[data-score]').forEach(function (button) {
    button.addEventListener('click', function (event) {
      event.preventDefault();
      var n = button.getAttribute('data-score');
      var output = document.getElementById('model_score_' + n);
      var text = document.getElementById('text_' + n).value;
      output.textContent = 'asking the model...';
      fetch(button.getAttribute('formaction'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'application/json' },
        body: 'csrf=' + encodeURIComponent(csrf) + '&sample=' + encodeURIComponent(n) + '&text_' + n + '=' +
          encodeURIComponent(text)
      }).then(function (response) {
        return response.json();
      }).then(function (reply) {
        output.textContent = reply.message;
      }).catch(function () {
        output.textContent = 'The model could not be asked; try again.';
      });
    });
  });
})();
)js";

}  // namespace blindspot::web::assets
