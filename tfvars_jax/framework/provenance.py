"""Where the user created an op or variable: "originally defined at file:line" in errors.

TF1 keeps a traceback per op and prints it in op errors and in "Variable ... already exists".
We keep one frame: when an op is made, `user_location()` walks up from the caller to the first
frame whose file is not inside tfvars_jax and stores `(filename, lineno, function)` (a tuple,
no strings formatted: a few hundred nanoseconds per op). Messages are formatted only when an
error is raised. In IPython, a cell's file is shown as IPython shows it (`Cell In[3]`).
"""
import linecache
import os
import sys
import threading

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _user_location_by_frames(depth=2):
    """(filename, lineno, function) of the innermost frame outside tfvars_jax, or None;
    `depth` 2 starts at the caller's caller (frames below it are not materialised)."""
    try:
        frame = sys._getframe(depth)
    except ValueError:
        return None
    package = _PACKAGE_DIR
    while frame is not None:
        code = frame.f_code
        if not code.co_filename.startswith(package):
            return code.co_filename, frame.f_lineno, code.co_name
        frame = frame.f_back
    return None


def _user_location_by_module(depth=2):
    """As `_user_location_by_frames`, on Python >= 3.12: frames are told apart by their module
    name (`sys._getframemodulename`, which materialises no frame object), so only the user's
    frame is materialised."""
    module_name = sys._getframemodulename
    while True:
        name = module_name(depth)
        if name is None:  # past the stack, or a frame without a module: walk the frames
            return _user_location_by_frames(depth + 1)
        if name != "tfvars_jax" and not name.startswith("tfvars_jax."):
            frame = sys._getframe(depth)
            code = frame.f_code
            if not code.co_filename.startswith(_PACKAGE_DIR):
                return code.co_filename, frame.f_lineno, code.co_name
        depth += 1


_walk = (_user_location_by_module if hasattr(sys, "_getframemodulename")
         else _user_location_by_frames)


class _Pin(threading.local):
    location = None  # the location every op made in this thread gets (see `pinned`)


_pin = _Pin()


def user_location():
    """Called by the code that creates an op: where user code made it."""
    location = _pin.location
    return location if location is not None else _walk(3)


class Pinned:
    """`with Pinned():` the ops made inside get the user location of the `with` statement,
    found once (a variable's `v`, `v/Assign` and `v/read`: one frame walk instead of three).
    Only for code that calls no user function inside, whose ops would have their own place."""

    __slots__ = ("_saved",)

    def __enter__(self):
        self._saved = _pin.location
        if self._saved is None:
            _pin.location = _walk(2)

    def __exit__(self, *exc):
        _pin.location = self._saved


def _display_filename(filename):
    """`Cell In[3]` for an IPython cell's file (as IPython's tracebacks say), else the path."""
    ipython_module = sys.modules.get("IPython")
    if ipython_module is not None:
        shell = getattr(ipython_module, "get_ipython", lambda: None)()
        formatter = getattr(getattr(shell, "compile", None), "format_code_name", None)
        if formatter is not None:
            named = formatter(filename)
            if named is not None:
                return f"{named[0]} {named[1]}"
    return filename


def short(location):
    """`file:line` for a location from `user_location()` ("<unknown>" for None)."""
    if location is None:
        return "<unknown>"
    return f"{_display_filename(location[0])}:{location[1]}"


def traceback_entry(location):
    """The location as a Python traceback entry, with its source line when known."""
    if location is None:
        return "  <unknown location>\n"
    filename, lineno, function = location
    entry = f'  File "{_display_filename(filename)}", line {lineno}, in {function}\n'
    source = linecache.getline(filename, lineno).strip()
    return entry + (f"    {source}\n" if source else "")


def originally_defined_at(location):
    """TF1's suffix for "Variable ... already exists": where the first one was made."""
    return f"Originally defined at: {short(location)}\n\n{traceback_entry(location)}"


def defined_at(op):
    """The location stored on `op` (an Operation), or None."""
    return getattr(op, "_defined_at", None)
