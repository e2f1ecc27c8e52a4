"""The `checkpoint` file: a text-format CheckpointState naming the latest checkpoints.

    model_checkpoint_path: "model.ckpt-20"
    all_model_checkpoint_paths: "model.ckpt-10"
    all_model_checkpoint_paths: "model.ckpt-20"
    all_model_checkpoint_timestamps: 1700000000.5
    all_model_checkpoint_timestamps: 1700000100.25
    last_preserved_timestamp: 1699999990.0

Written and read as TensorFlow's checkpoint_management.update_checkpoint_state_internal
and get_checkpoint_state do it (protobuf text format: C-escaped strings, doubles as
Python's repr, zero/empty fields left out), including how paths are made relative.
"""

import dataclasses
import logging
import os
import re
import uuid

_FIELDS = {  # name -> (repeated, kind)
    "model_checkpoint_path": (False, str),
    "all_model_checkpoint_paths": (True, str),
    "all_model_checkpoint_timestamps": (True, float),
    "last_preserved_timestamp": (False, float),
}
_ESCAPES = {"\n": r"\n", "\r": r"\r", "\t": r"\t", '"': r"\"", "'": r"\'", "\\": r"\\"}
_UNESCAPES = {"n": 10, "r": 13, "t": 9, '"': 34, "'": 39, "\\": 92, "a": 7, "b": 8, "f": 12,
              "v": 11, "?": 63}
_TOKEN = re.compile(r"""
    \s+ | \#[^\n]*                                   # whitespace, comments (skipped)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<number>-?(?:(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?f?|inf(?:inity)?|nan)(?!\w))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[:\[\],;])
""", re.VERBOSE | re.IGNORECASE)


@dataclasses.dataclass
class CheckpointState:
    """TF's CheckpointState proto: the latest checkpoint and all kept ones, oldest first."""

    model_checkpoint_path: str = ""
    all_model_checkpoint_paths: list = dataclasses.field(default_factory=list)
    all_model_checkpoint_timestamps: list = dataclasses.field(default_factory=list)
    last_preserved_timestamp: float = 0.0


def _escape(text):
    return "".join(_ESCAPES.get(c) or (f"\\{ord(c):03o}" if ord(c) < 32 or ord(c) == 127 else c)
                   for c in text)


def format_checkpoint_state(state):
    """The text TensorFlow writes for a CheckpointState (protobuf text format).

    Args:
      state: a CheckpointState.

    Returns:
      str, one "field: value" line per (non-default) value.
    """
    lines = []
    if state.model_checkpoint_path:
        lines.append(f'model_checkpoint_path: "{_escape(state.model_checkpoint_path)}"')
    lines += [f'all_model_checkpoint_paths: "{_escape(p)}"' for p in state.all_model_checkpoint_paths]
    lines += [f"all_model_checkpoint_timestamps: {float(t)!r}" for t in state.all_model_checkpoint_timestamps]
    if state.last_preserved_timestamp:
        lines.append(f"last_preserved_timestamp: {float(state.last_preserved_timestamp)!r}")
    return "".join(line + "\n" for line in lines)


def _unescape(body):
    out, i = bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        c = body[i + 1]
        if c in _UNESCAPES:
            out.append(_UNESCAPES[c])
            i += 2
        elif c in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[i + 1:]).group()
            out.append(int(digits, 8) & 0xFF)
            i += 1 + len(digits)
        elif c in "xX" and re.match(r"[0-9a-fA-F]", body[i + 2:i + 3]):
            digits = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:]).group()
            out.append(int(digits, 16))
            i += 2 + len(digits)
        elif c in "uU" and re.fullmatch(r"[0-9a-fA-F]+",
                                        body[i + 2:i + (6 if c == "u" else 10)] or "-"):
            width = 4 if c == "u" else 8
            out += chr(int(body[i + 2:i + 2 + width], 16)).encode("utf-8", "surrogatepass")
            i += 2 + width
        else:
            raise ValueError(f"invalid escape \\{c}")
    return out.decode("utf-8")


def _tokens(text):
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"unexpected character {text[pos]!r} at offset {pos}")
        pos = match.end()
        if match.lastgroup:
            yield match.lastgroup, match.group()


def _scalar(kind, tokens, i, field):
    if i >= len(tokens):
        raise ValueError(f"missing value for {field}")
    tok_kind, tok = tokens[i]
    if kind is str:
        if tok_kind != "string":
            raise ValueError(f"{field} needs a string, got {tok!r}")
        parts = []
        while i < len(tokens) and tokens[i][0] == "string":  # adjacent literals concatenate
            parts.append(_unescape(tokens[i][1][1:-1]))
            i += 1
        return "".join(parts), i
    if tok_kind not in ("number", "word"):
        raise ValueError(f"{field} needs a number, got {tok!r}")
    try:
        is_inf = tok.lstrip("-")[:1] in ("i", "I")
        return float(tok[:-1] if tok[-1] in "fF" and not is_inf else tok), i + 1
    except ValueError:
        raise ValueError(f"{field} needs a number, got {tok!r}") from None


def parse_checkpoint_state(text):
    """Parses the text of a `checkpoint` file.

    Args:
      text: protobuf text format of a CheckpointState.

    Returns:
      A CheckpointState.

    Raises:
      ValueError: not valid text format, or an unknown field.
    """
    tokens = list(_tokens(text))
    values = {name: [] for name in _FIELDS}
    i = 0
    while i < len(tokens):
        kind, field = tokens[i]
        if kind != "word" or field not in _FIELDS:
            raise ValueError(f"unknown field {field!r}")
        repeated, value_kind = _FIELDS[field]
        if i + 1 >= len(tokens) or tokens[i + 1] != ("punct", ":"):
            raise ValueError(f"expected ':' after {field}")
        i += 2
        if repeated and i < len(tokens) and tokens[i] == ("punct", "["):
            i += 1
            while i < len(tokens) and tokens[i] != ("punct", "]"):
                value, i = _scalar(value_kind, tokens, i, field)
                values[field].append(value)
                if i < len(tokens) and tokens[i] == ("punct", ","):
                    i += 1
            if i >= len(tokens):
                raise ValueError(f"unterminated list for {field}")
            i += 1
        else:
            value, i = _scalar(value_kind, tokens, i, field)
            values[field].append(value)
        if i < len(tokens) and tokens[i] in (("punct", ","), ("punct", ";")):
            i += 1
    return CheckpointState(
        model_checkpoint_path=(values["model_checkpoint_path"] or [""])[-1],
        all_model_checkpoint_paths=values["all_model_checkpoint_paths"],
        all_model_checkpoint_timestamps=values["all_model_checkpoint_timestamps"],
        last_preserved_timestamp=(values["last_preserved_timestamp"] or [0.0])[-1])


def read_checkpoint_state(directory, latest_filename="checkpoint"):
    """Reads `directory/latest_filename`, as tf.train.get_checkpoint_state does.

    Relative paths in the file are returned joined to `directory`.

    Args:
      directory: the checkpoint directory.
      latest_filename: name of the state file.

    Returns:
      A CheckpointState, or None if the file is missing, unreadable or not parseable
      (the latter two logged as warnings, as TF does).

    Raises:
      ValueError: the file parses but names no model_checkpoint_path.
    """
    directory = os.fspath(directory)
    path = os.path.join(directory, latest_filename)
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as f:
            state = parse_checkpoint_state(f.read().decode("utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        logging.getLogger(__name__).warning("%s: %s; checkpoint ignored", path, exc)
        return None
    if not state.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {directory}")
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(directory, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [p if os.path.isabs(p) else os.path.join(directory, p)
                                        for p in state.all_model_checkpoint_paths]
    return state


def write_checkpoint_state(directory, model_checkpoint_path, all_model_checkpoint_paths=None,
                           latest_filename="checkpoint", timestamps=None, *,
                           last_preserved_timestamp=None, save_relative_paths=False):
    """Atomically writes `directory/latest_filename`, as TF's update_checkpoint_state_internal.

    Paths are written as given, except: with `save_relative_paths` absolute ones are made
    relative to `directory`; and if `directory` itself is relative, relative paths are
    rewritten relative to it. `model_checkpoint_path` is appended to the list of all
    paths unless it is already last.

    Args:
      directory: the checkpoint directory (TF's save_dir).
      model_checkpoint_path: the latest checkpoint prefix.
      all_model_checkpoint_paths: all kept checkpoint prefixes, oldest first.
      latest_filename: name of the state file.
      timestamps: optional creation times (seconds since the epoch), one per path.
      last_preserved_timestamp: optional time of the last checkpoint kept for good.
      save_relative_paths: write paths relative to `directory`.

    Raises:
      ValueError: `timestamps` does not match the paths.
      RuntimeError: the state file's path is the checkpoint path.
      OSError: the file could not be written.
    """
    directory = os.fspath(directory)
    path = os.path.join(directory, latest_filename)
    model = os.fspath(model_checkpoint_path)
    paths = [os.fspath(p) for p in all_model_checkpoint_paths or []]
    if save_relative_paths:
        model = os.path.relpath(model, directory) if os.path.isabs(model) else model
        paths = [os.path.relpath(p, directory) if os.path.isabs(p) else p for p in paths]
    if not paths or paths[-1] != model:
        paths.append(model)
    if timestamps and len(timestamps) != len(paths):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths "
                         f"(got paths {paths} and timestamps {list(timestamps)})")
    if not os.path.isabs(directory):
        model = model if os.path.isabs(model) else os.path.relpath(model, directory)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, directory) for p in paths]
    if path == model:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for "
                           f"checkpoint state.  Please use a different save path.")
    text = format_checkpoint_state(CheckpointState(
        model, paths, list(timestamps or []), last_preserved_timestamp or 0.0))
    tmp = f"{path}.tmp{uuid.uuid4().hex}"
    try:
        with open(tmp, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    fd = os.open(directory or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
