"""TF1's `tf.errors`: the exception classes a Session run raises.

Class names, error codes and the `(node_def, op, message)` constructor match TF1, so
`except tf.errors.FailedPreconditionError` in user code keeps working.
"""
from tfvars_jax.framework import provenance

OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS = 10, 11, 12, 13, 14, 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """A failed run. As in TF1: `.node_def`, `.op` (the failing Operation or None), `.message`,
    `.error_code`. With an op, `str()` ends as TF1's does: the node, where it was defined
    (`file:line`) and the user code that created it."""

    error_code = UNKNOWN

    def __init__(self, node_def, op, message, *args):
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message

    def __str__(self):
        location = provenance.defined_at(self.op)
        if location is None:
            return self.message
        return (f"{self.message}\n\t [[node {self.op.name} (defined at "
                f"{provenance.short(location)}) ]]\n\nOriginal stack trace for "
                f"'{self.op.name}':\n{provenance.traceback_entry(location)}")


def _make(name, code, doc):
    cls = type(name, (OpError,), {"__doc__": doc, "error_code": code})

    def __init__(self, node_def, op, message, *args):  # noqa: N807 - the class's
        OpError.__init__(self, node_def, op, message)

    cls.__init__ = __init__
    return cls


CancelledError = _make("CancelledError", CANCELLED, "The operation was cancelled.")
UnknownError = _make("UnknownError", UNKNOWN, "An unknown error.")
InvalidArgumentError = _make("InvalidArgumentError", INVALID_ARGUMENT,
                             "An argument (a fed value, a shape, an index) is invalid.")
DeadlineExceededError = _make("DeadlineExceededError", DEADLINE_EXCEEDED, "A deadline passed.")
NotFoundError = _make("NotFoundError", NOT_FOUND,
                      "A requested entity (file, tensor) was not found.")
AlreadyExistsError = _make("AlreadyExistsError", ALREADY_EXISTS, "An entity already exists.")
PermissionDeniedError = _make("PermissionDeniedError", PERMISSION_DENIED, "Permission denied.")
ResourceExhaustedError = _make("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                               "A resource (memory) is exhausted.")
FailedPreconditionError = _make("FailedPreconditionError", FAILED_PRECONDITION,
                                "The state is not ready for the run, e.g. an uninitialized variable.")
AbortedError = _make("AbortedError", ABORTED, "The operation was aborted.")
OutOfRangeError = _make("OutOfRangeError", OUT_OF_RANGE,
                        "A value ran past its valid range, e.g. `count_up_to` hit its limit.")
UnimplementedError = _make("UnimplementedError", UNIMPLEMENTED, "The operation is not implemented.")
InternalError = _make("InternalError", INTERNAL, "An internal invariant broke.")
UnavailableError = _make("UnavailableError", UNAVAILABLE, "The service is unavailable.")
DataLossError = _make("DataLossError", DATA_LOSS,
                      "Unrecoverable data loss or corruption (a damaged file).")
UnauthenticatedError = _make("UnauthenticatedError", UNAUTHENTICATED, "Not authenticated.")
