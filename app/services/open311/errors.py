"""The one error every Open311 call can end in: an HTTP status and a description for the calling
system's developers (in English, as the standard's examples are)."""


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description
