class ServiceError(Exception):
    """A request the service refuses for a reason the person can act on.

    `field` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
