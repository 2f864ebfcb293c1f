"""The error type every layer raises for bad user input.

Library code raises :class:`InputError` (or a subclass) with a message that names the
offending field and the allowed values. Entry points (CLI, API) turn it into exit code 2
or an HTTP 4xx response; it never becomes a traceback.
"""


class InputError(ValueError):
    """Bad user input: the message names the field and the allowed range or values."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
