"""The exceptions of blindspot: one class per kind of core::Error (docs/python.md, "Errors")."""


class Error(Exception):
    """A failure reported by blindspot's library.

    str(error) reads like the CLI's diagnostic ("dev.csv:3: column "label": unknown label ...").
    Attributes:
        kind     "usage", "bad_input", "io", "remote" or "internal"
        message  the message without the location
        file     the input file at fault (str), "<list>" for data given as lists, or None
        line     the 1-based line of the record (for lists: the item's position), or None
        field    the column, JSON key or argument at fault, or None
    """

    def __init__(self, text, kind="internal", message=None, file=None, line=None, field=None):
        super().__init__(text)
        self.kind = kind
        self.message = message if message is not None else text
        self.file = file
        self.line = line
        self.field = field


class UsageError(Error):
    """The arguments or the configuration are wrong."""


class BadInputError(Error):
    """A file or value the user gave is malformed (a CSV row, a label, a UU)."""


class IoError(Error):
    """A file could not be read or written."""


class RemoteError(Error):
    """A model served by another process or server, a Python model, or an LLM failed."""


class InternalError(Error):
    """A bug in blindspot."""


_CLASSES = {
    "usage": UsageError,
    "bad_input": BadInputError,
    "io": IoError,
    "remote": RemoteError,
    "internal": InternalError,
}


def error_class(kind):
    """The class of an error kind (called by the compiled module)."""
    return _CLASSES.get(kind, Error)
