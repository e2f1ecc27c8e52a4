"""TF1 device strings: parsing, merging nested `tf.device` scopes, canonical spelling.

A device string names up to five fields: `/job:<name>/replica:<int>/task:<int>/device:<type>:
<index>` (the short forms `/cpu:0`, `/GPU:1`, `/gpu:*` name the type and index). TF1 records
`"/gpu:1"` as `"/device:GPU:1"` and merges an inner partial spec into the outer one (`/job:ps`
then `/device:CPU:0` gives `/job:ps/device:CPU:0`). We record devices exactly so; at run time
every op runs on JAX's default device (placement is recorded, not enforced).

Parsing follows `tf.compat.v1.DeviceSpec.from_string` of TF 2.x, whose short forms know the
device types CPU, GPU, TPU, CUSTOM and EPU (TF 1.15 knew only CPU and GPU); other types need
the long form (`/device:XLA_CPU:0`). Bad strings raise ValueError with TF's message.
"""

VALID_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})

_PARSED = {}   # string -> components (strings are immutable, and few distinct ones are used)


def _as_str_or_none(value):
    return None if value is None else str(value)


def _as_int_or_none(value):
    return None if value is None else int(value)


def _as_device_type(value):
    """TF's normalisation of a device type: "cpu"/"gpu" are upper-cased, others kept."""
    return value.upper() if value in ("cpu", "gpu") else _as_str_or_none(value)


def normalize(job, replica, task, device_type, device_index):
    """The five fields as TF1's DeviceSpec stores them (ints for replica/task/index)."""
    return (_as_str_or_none(job), _as_int_or_none(replica), _as_int_or_none(task),
            _as_device_type(device_type), _as_int_or_none(device_index))


def parse(spec):
    """Parses a device string into `(job, replica, task, device_type, device_index)`, each None
    when the string does not name it. ValueError for a string TF1 rejects."""
    if spec is None:
        spec = ""
    if not isinstance(spec, str):
        raise TypeError(f"A device must be a string, a DeviceSpec, a function or None, not "
                        f"{type(spec).__name__}: {spec!r}")
    cached = _PARSED.get(spec)
    if cached is not None:
        return cached
    job = replica = task = device_type = device_index = None
    for part in spec.split("/"):
        fields = part.split(":")
        n = len(fields)
        if n == 2 and fields[0] == "job":
            job = fields[1]
        elif n == 2 and fields[0] == "replica":
            replica = fields[1]
        elif n == 2 and fields[0] == "task":
            task = fields[1]
        elif n in (1, 2) and fields[0].upper() in VALID_DEVICE_TYPES:
            if device_type is not None:
                raise ValueError("Multiple device types are not allowed while parsing the device "
                                 f"spec: {spec}.")
            device_type = fields[0].upper()
            if n == 2 and fields[1] != "*":
                device_index = int(fields[1])
        elif n == 3 and fields[0] == "device":
            if device_type is not None:
                raise ValueError("Multiple device types are not allowed while parsing the device "
                                 f"spec: {spec}.")
            device_type = fields[1]
            if fields[2] != "*":
                device_index = int(fields[2])
        elif fields[0] != "":
            raise ValueError(f"Unknown attribute '{fields[0]}' is encountered while parsing the "
                             f"device spec: '{spec}'.")
    out = normalize(job, replica, task, device_type, device_index)
    _PARSED[spec] = out
    return out


def to_string(components):
    """The canonical TF1 spelling of `(job, replica, task, device_type, device_index)`."""
    job, replica, task, device_type, device_index = components
    s = ""
    if job is not None:
        s += "/job:" + job
    if replica is not None:
        s += f"/replica:{replica}"
    if task is not None:
        s += f"/task:{task}"
    if device_type is not None:
        s += f"/device:{device_type}:{'*' if device_index is None else device_index}"
    return s


def combine(outer, inner):
    """Components of `outer` with every field `inner` names replaced by inner's (TF1's
    `DeviceSpec.make_merged_spec`: the argument wins)."""
    return tuple(i if i is not None else o for o, i in zip(outer, inner))


def merge(outer, inner):
    """Merges an inner device string into an outer one, fields of the inner one winning."""
    return to_string(combine(parse(outer), parse(inner)))


def canonical(spec):
    """TF1's canonical spelling of a device string (`"/gpu:1"` -> `"/device:GPU:1"`)."""
    return to_string(parse(spec))


# TF1 op types whose first input is a ref (`Ref(T)` in their op def). TF1's op builder
# colocates such an op with the variable it writes or inspects (`_MaybeColocateWith`).
REF_INPUT_OP_TYPES = frozenset({
    "Assign", "AssignAdd", "AssignSub", "CountUpTo", "IsVariableInitialized",
    "ScatterUpdate", "ScatterAdd", "ScatterSub", "ScatterMul", "ScatterDiv", "ScatterMin",
    "ScatterMax", "ScatterNdUpdate", "ScatterNdAdd", "ScatterNdSub", "StridedSliceAssign",
})
