"""TF1 device strings: parsing, merging nested `tf.device` scopes, canonical spelling.

TF1 records `"/gpu:1"` as `"/device:GPU:1"` and merges an inner partial spec into the outer
one (`/job:ps` then `/device:CPU:0` gives `/job:ps/device:CPU:0`). We record devices exactly
so; at run time every op runs on JAX's default device (placement is recorded, not enforced).
"""
import re

_FIELDS = ("job", "replica", "task", "device_type", "device_index")


def parse(spec):
    """Parses a device string into a dict of the fields it names."""
    out = {}
    if not spec:
        return out
    for part in spec.split("/"):
        if not part:
            continue
        m = re.fullmatch(r"(job|replica|task):(.+)", part)
        if m:
            key, val = m.groups()
            out[key] = val if key == "job" else int(val)
            continue
        fields = part.split(":")
        if fields[0].lower() == "device":
            fields = fields[1:]
        if len(fields) in (1, 2) and fields[0] and (fields[0].upper() in ("CPU", "GPU",
                                                                          "TPU") or fields[0] == "*"
                                                    or re.fullmatch(r"[A-Za-z_]+", fields[0])):
            out["device_type"] = fields[0].upper() if fields[0].lower() in ("cpu", "gpu",
                                                                            "tpu") else fields[0]
            if len(fields) == 2 and fields[1] != "*":
                out["device_index"] = int(fields[1])
            continue
        raise ValueError(f"Unknown attribute: '{part}' in '{spec}'")
    return out


def to_string(fields):
    """The canonical TF1 spelling of a parsed device."""
    s = ""
    if "job" in fields:
        s += f"/job:{fields['job']}"
    if "replica" in fields:
        s += f"/replica:{fields['replica']}"
    if "task" in fields:
        s += f"/task:{fields['task']}"
    if "device_type" in fields:
        s += f"/device:{fields['device_type']}:{fields.get('device_index', '*')}"
    return s


def merge(outer, inner):
    """Merges an inner device string into an outer one, fields of the inner one winning."""
    merged = parse(outer)
    merged.update(parse(inner))
    return to_string(merged)


def canonical(spec):
    return to_string(parse(spec))
