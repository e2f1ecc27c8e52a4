"""Compiled flat steps across processes, keyed on the plan's structure: a hit skips tracing.

JAX's persistent compilation cache (`compilation_cache.py`) keys an executable on the lowered
program, so a second process still traces our graph to a jaxpr and lowers it to StableHLO
before it can look the executable up (an MLP Adam step: ~55 ms of tracing and ~25 ms of
lowering before a ~12 ms cache load). This cache keys the executable on what the program is
made from instead, so a hit deserializes the executable without tracing or lowering:

- the plan (its ops, feeds, fetches, variables passed, donated and written, what its
  initialization-dependent ops resolved to, its device), every op the plan reaches through
  its fields, attrs, kernels and inputs, with their names, types, kinds, attrs, devices,
  control inputs, the static dtypes and shapes of their outputs and where the user defined
  them (error messages quote it), and the graph's variables;
- each kernel: a module-level function or object by its qualified name, a closure by its code
  and the values it captured, recursively (`functools.partial`, bound methods, NumPy arrays
  by their bytes);
- the argument shapes and dtypes, donation, the compiler options;
- the environment: our own source (a hash of every module's file), the Python version, the
  versions of JAX, jaxlib, NumPy and the other libraries a kernel comes from, the backend
  (platform, version, devices), every JAX configuration value (and this thread's trace
  context: the x64 mode, matmul precision, ...), and the XLA_/JAX_/TF_ environment.

Anything it cannot fingerprint exactly (a function of the user's own module, an object of an
unknown type, a host callback, a run on a sharding) makes the plan uncached here: it then
compiles through JAX as before (JAX's cache still applies). A trace that changes anything on
the plan beyond the known results (its check list) is not stored either.

An entry is one file `<key>.step`: a magic header, a BLAKE2b digest of the body, and the body
(zlib-compressed: the key again, the serialized executable, its argument and result trees,
what the trace set on the plan).
Entries are written to a temporary file and renamed into place (atomic), so concurrent
processes may share the directory; a truncated or corrupt entry fails its digest and is
ignored (and removed). Loading an entry unpickles it, so the directory must be as trusted as
JAX's own cache (it lives beside it, per user). Opt out with `TFVARS_JAX_STEP_CACHE=0` (or
the whole cache with `TFVARS_JAX_COMPILATION_CACHE=0`).
"""
import enum
import functools
import hashlib
import importlib.metadata
import logging
import os
import pickle
import struct
import sys
import tempfile
import threading
import types
import zlib

import jax
import numpy as np
from jax._src import config as jax_config  # private: the thread's trace context
from jax.experimental import serialize_executable

from tfvars_jax import version
from tfvars_jax.framework import errors
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.runtime import prechecks

_log = logging.getLogger(__name__)
_MAGIC = b"TFVJSTP1"
_SUFFIX = ".step"
_DIGEST = 32

# Libraries whose code a kernel may come from: their release pins their code.
_VERSIONED = ("jax", "jaxlib", "numpy", "optax", "ml_dtypes", "scipy", "chex", "opt_einsum")
_STDLIB = ("builtins", "operator", "math", "functools", "cmath", "itertools", "_operator",
           "_functools")
_OURS = "tfvars_jax"
_PRIMITIVES = (type(None), bool, int, float, complex, str, bytes)

# What this process's lookups found (tests and benchmarks read it): a plan that could not be
# fingerprinted, an entry found, none found, an entry written.
STATS = {"uncached": 0, "hits": 0, "misses": 0, "stores": 0}


class Unfingerprintable(Exception):
    """Something in the plan cannot be fingerprinted exactly: the plan is not cached here."""


def _top(module):
    return (module or "").split(".", 1)[0]


def _known_module(module):
    top = _top(module)
    return top == _OURS or top in _VERSIONED or top in _STDLIB


def _resolve(module, qualname):
    obj = sys.modules.get(module)
    if obj is None:
        return None
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


class _Fingerprint:
    """Writes a canonical, complete description of objects into a hash."""

    def __init__(self, worklist=None):
        self.parts = []
        self.memo = {}       # id -> position of an object already written (cycles, sharing)
        self.keep = []       # keeps memoized objects alive while their ids are in use
        self.worklist = worklist if worklist is not None else _Worklist()

    def digest(self):
        return hashlib.blake2b("\x1f".join(self.parts).encode("utf-8", "surrogatepass"),
                               digest_size=_DIGEST).hexdigest()

    def add(self, obj):
        parts = self.parts
        t = type(obj)
        if t in _PRIMITIVES:
            if t is float or t is complex:  # every bit: -0.0 and NaN payloads differ
                obj = struct.pack("<d", obj) if t is float else \
                    struct.pack("<dd", obj.real, obj.imag)
            parts.append(f"{t.__name__}:{obj!r}")
            return
        seen = self.memo.get(id(obj))
        if seen is not None:
            parts.append(f"@{seen}")
            return
        self.memo[id(obj)] = len(self.memo)
        self.keep.append(obj)
        if t is ops_lib.Tensor or isinstance(obj, ops_lib.Tensor):
            parts.append(f"T:{t.__module__}.{t.__qualname__}:{obj._op._name}:{obj._value_index}")
            self.worklist.push(obj._op)
            return
        if isinstance(obj, ops_lib.Operation):
            parts.append(f"O:{obj._name}")
            self.worklist.push(obj)
            return
        if isinstance(obj, ops_lib.Graph):
            parts.append("G")
            self.worklist.graphs.append(obj)
            return
        if t in (list, tuple):
            parts.append(f"{t.__name__}[{len(obj)}")
            for x in obj:
                self.add(x)
            parts.append("]")
            return
        if t is dict:
            parts.append(f"dict[{len(obj)}")
            for k, v in obj.items():
                self.add(k)
                self.add(v)
            parts.append("]")
            return
        if t in (set, frozenset):
            # In the order of the items' own digests (not of iteration, which varies), and so
            # are the ops they reach.
            subs = sorted((self._sub(x) for x in obj), key=lambda sub: sub[0])
            parts.append(f"{t.__name__}[{','.join(d for d, _ in subs)}]")
            for _, reached in subs:
                for op in reached.ops:
                    self.worklist.push(op)
                self.worklist.graphs.extend(reached.graphs)
            return
        if t is np.ndarray or isinstance(obj, np.generic):
            self._array(np.asarray(obj))
            return
        if isinstance(obj, np.ndarray):  # a subclass (a masked array...): more than its data
            raise Unfingerprintable(f"an array of type {t.__qualname__}")
        if isinstance(obj, jax.Array):
            if isinstance(obj, jax.core.Tracer) or not obj.is_fully_addressable:
                raise Unfingerprintable("a traced or distributed array")
            self._array(np.asarray(obj))
            return
        if isinstance(obj, np.dtype):
            parts.append(f"dtype:{obj.name}:{obj.str}:{obj.descr!r}")
            return
        if isinstance(obj, jax.Device):
            parts.append(f"dev:{obj.platform}:{obj.id}:{obj.process_index}:{obj.device_kind}")
            return
        if isinstance(obj, jax.tree_util.PyTreeDef):
            parts.append(f"treedef:{obj.num_nodes}:{obj.num_leaves}")
            data = obj.node_data()
            if data is not None:
                self.add(data[0])
                self.add(data[1])
                self.add(obj.children())
            return
        if isinstance(obj, types.CodeType):
            self._code(obj)
            return
        if isinstance(obj, types.ModuleType):
            if not _known_module(obj.__name__):
                raise Unfingerprintable(f"module {obj.__name__}")
            parts.append(f"mod:{obj.__name__}")
            return
        if isinstance(obj, functools.partial):
            parts.append("partial")
            self.add(obj.func)
            self.add(obj.args)
            self.add(obj.keywords)
            return
        if isinstance(obj, types.MethodType):
            parts.append("method")
            self.add(obj.__func__)
            self.add(obj.__self__)
            return
        # A module-level function, class or object of a known library: its qualified name
        # (its code is pinned by the library's version or our source hash).
        module = getattr(obj, "__module__", None)
        name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
        if isinstance(module, str) and isinstance(name, str) and _known_module(module) and \
                "<" not in name and _resolve(module, name) is obj:
            parts.append(f"ref:{module}:{name}")
            return
        if isinstance(obj, types.FunctionType):
            self._function(obj)
            return
        if isinstance(obj, type) or isinstance(obj, types.BuiltinFunctionType):
            raise Unfingerprintable(f"{obj!r} is not importable by its name")
        if not _known_module(t.__module__):
            raise Unfingerprintable(f"an object of type {t.__module__}.{t.__qualname__}")
        parts.append(f"obj:{t.__module__}.{t.__qualname__}")
        if isinstance(obj, tuple):  # a NamedTuple (optax's GradientTransformation, RunCheck)
            self.add(tuple(obj))
            return
        if isinstance(obj, (list, dict, set, frozenset)):
            raise Unfingerprintable(f"a subclass of a container: {t.__qualname__}")
        state = self._state(obj)
        self.add(state)

    def _state(self, obj):
        t = type(obj)
        fields = {}
        for klass in t.__mro__:
            for slot in getattr(klass, "__slots__", ()):
                if slot not in ("__dict__", "__weakref__") and hasattr(obj, slot):
                    fields[slot] = getattr(obj, slot)
        d = getattr(obj, "__dict__", None)
        if d is not None:
            fields.update(d)
        elif not fields and not getattr(t, "__slots__", None):
            raise Unfingerprintable(f"an opaque {t.__module__}.{t.__qualname__}")
        return dict(sorted(fields.items()))

    def _sub(self, obj):
        sub = _Fingerprint()
        sub.add(obj)
        return sub.digest(), sub.worklist

    def _array(self, a):
        if a.dtype.hasobject:
            raise Unfingerprintable("an object array")
        digest = hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=_DIGEST)
        self.parts.append(f"arr:{a.dtype.name}:{a.dtype.str}:{a.shape}:{digest.hexdigest()}")

    def _code(self, co):
        self.parts.append(f"code:{co.co_name}:{co.co_firstlineno}:{co.co_code.hex()}:"
                          f"{co.co_names}:{co.co_varnames}:{co.co_freevars}:{co.co_flags}")
        self.add(tuple(c for c in co.co_consts))

    def _function(self, fn):
        module = fn.__module__
        if not _known_module(module):
            # The user's own code: its globals could change between processes unseen.
            raise Unfingerprintable(f"function {module}.{fn.__qualname__}")
        self.parts.append(f"fn:{module}:{fn.__qualname__}")
        self._code(fn.__code__)
        self.add(fn.__defaults__)
        self.add(fn.__kwdefaults__)
        self.add(tuple(c.cell_contents for c in fn.__closure__ or ()))
        self.add({k: v for k, v in fn.__dict__.items() if k != "__wrapped__"})
        wrapped = fn.__dict__.get("__wrapped__")
        if wrapped is not None:
            self.add(wrapped)


class _Worklist:
    """The ops (and graphs) a fingerprint reached, each described once, in discovery order."""

    def __init__(self):
        self.ops, self.seen, self.graphs = [], set(), []

    def push(self, op):
        if id(op) not in self.seen:
            self.seen.add(id(op))
            self.ops.append(op)


# Plan fields a trace sets or that are caches, not part of what the program is.
_PLAN_RESULTS = frozenset(("_jitted", "_executables", "_last", "trace_count", "_get_args",
                           "_checks", "checks", "_report_ops", "_precheck_ops", "_prechecks",
                           "_traced_prechecks"))
_OP_SKIP = frozenset(("_graph", "_outputs"))
_VARIABLE_SKIP = frozenset(("_initial_value", "_initializer_op"))


def _describe_ops(fp):
    """Describes every op (and graph) the fingerprint has reached, until none is left."""
    wl = fp.worklist
    i = g = 0
    while i < len(wl.ops) or g < len(wl.graphs):
        while i < len(wl.ops):
            op = wl.ops[i]
            i += 1
            fp.parts.append(f"OP:{op._name}")
            fp.add({k: v for k, v in vars(op).items() if k not in _OP_SKIP})
            fp.add([{k: v for k, v in vars(t).items() if k != "_op"} for t in op._outputs])
        while g < len(wl.graphs):
            graph = wl.graphs[g]
            g += 1
            fp.parts.append(f"GRAPH:{g}")
            # A variable's initializer is part of a run only when the run reaches it (then
            # its ops are described): an unseeded initializer differs in every process.
            for name, var in sorted(graph.variables_by_name.items()):
                t = type(var)
                fp.parts.append(f"VAR:{name}:{t.__module__}.{t.__qualname__}")
                fp.add({k: v for k, v in sorted(fp._state(var).items())
                        if k not in _VARIABLE_SKIP})
            fp.add(getattr(graph, "seed", None))


@functools.lru_cache(maxsize=1)
def _static_environment():
    """Our source hash and the library versions: fixed for the life of the process (None
    when our source is not there to hash, e.g. an install of compiled files only)."""
    h = hashlib.blake2b(digest_size=_DIGEST)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".py"):
                path = os.path.join(dirpath, f)
                h.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as fh:
                    h.update(hashlib.blake2b(fh.read(), digest_size=_DIGEST).digest())
                count += 1
    if count < 2 or not os.path.exists(__file__):
        return None
    versions = []
    for dist in _VERSIONED:
        try:
            versions.append(f"{dist}={importlib.metadata.version(dist.replace('_', '-'))}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist}=absent")
    return (f"src:{h.hexdigest()}:{count}:{version.__version__}|py:{sys.version}|"
            f"{sys.platform}|{'|'.join(versions)}")


def _environment():
    """Everything outside the plan that can change the compiled program (see module doc)."""
    static = _static_environment()
    if static is None:
        raise Unfingerprintable("our source files are not there to hash")
    parts = [static]
    backend = jax.devices()[0].client
    parts.append(f"backend:{backend.platform}:{backend.platform_version}:"
                 f"{jax.process_index()}:{jax.process_count()}")
    parts.append(";".join(f"{d.platform}:{d.id}:{d.process_index}:{d.device_kind}"
                          for d in jax.devices()))
    for name, value in sorted(jax.config.values.items()):
        parts.append(f"{name}={_config_value(name, value)}")
    names = jax_config.trace_context_names()
    values = jax_config.trace_context()
    for name, value in zip(names, values):
        parts.append(f"ctx:{name}={_config_value(name, value)}")
    for k in sorted(os.environ):
        if k.startswith(("XLA_", "JAX_", "TF_", "LIBTPU", "TPU_", "CUDA_", "NVIDIA_")):
            parts.append(f"env:{k}={os.environ[k]}")
    return "\n".join(parts)


def _config_value(name, value):
    if type(value) in _PRIMITIVES or isinstance(value, enum.Enum):
        return repr(value)
    if isinstance(value, (tuple, list)) and not value:
        return "()"
    if name == "axis_env_state" and not getattr(value, "axis_sizes", None):
        return "no axes"
    raise Unfingerprintable(f"JAX configuration {name}={value!r}")


# ----- the key -----------------------------------------------------------------------------
def enabled():
    """Whether this cache is on (see the module docstring)."""
    return cache_dir() is not None


def cache_dir():
    """The directory of our entries, beside JAX's compilation cache, or None when off."""
    if os.environ.get("TFVARS_JAX_STEP_CACHE", "1") == "0":
        return None
    base = jax.config.jax_compilation_cache_dir
    if not base or "://" in base:
        return None
    return os.path.join(base, "tfvars_jax_steps")


def plan_key(plan, donate, args, compiler_options):
    """The key of `plan`'s flat step for `args` (None: the plan cannot be cached here)."""
    if plan.sharding is not None or plan.cluster is not None or plan.segments or \
            plan.moved or plan.homes or getattr(plan, "call_in_x64", False):
        STATS["uncached"] += 1
        return None
    try:
        fp = _Fingerprint()
        fp.parts.append(_environment())
        fp.add({k: v for k, v in sorted(vars(plan).items()) if k not in _PLAN_RESULTS})
        fp.add(bool(donate))
        fp.add(compiler_options)
        fp.parts.append(repr([(np.shape(a), np.dtype(a.dtype).str, np.dtype(a.dtype).name,
                               bool(getattr(a, "weak_type", False))) for a in args]))
        _describe_ops(fp)
        return fp.digest()
    except (Unfingerprintable, RecursionError) as e:
        _log.debug("step not cached: %r", e)
        STATS["uncached"] += 1
        return None


# ----- trace results -----------------------------------------------------------------------
def snapshot(plan):
    """The plan's fields before a trace (to find what the trace changed, `trace_results`)."""
    return {k: (v, _shallow(v)) for k, v in vars(plan).items()}


def _equal(a, b):
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001  (arrays compare elementwise): count it as changed
        return False


def _shallow(v):
    if isinstance(v, (list, dict, set)):
        return type(v)(v) if not isinstance(v, dict) else dict(v)
    return None


# Plan fields a trace may change: what `trace_results` stores, and caches.
_TRACE_SETS = frozenset(("_jitted", "_executables", "_last", "trace_count", "_checks",
                         "checks", "_report_ops", "_precheck_ops", "has_checks", "deferrable"))


def trace_results(plan, before, taken):
    """What a flat trace set on the plan, as data an entry can hold: the check list, whether
    checks remain in the step, and the pre-checks it took out (`taken`: runtime/prechecks.py
    PreCheck objects). None if the trace changed anything else (then the entry is not
    stored: a hit could not redo it)."""
    for k, v in vars(plan).items():
        if k in _TRACE_SETS:
            continue
        old = before.get(k)
        if old is None or old[0] is not v or (old[1] is not None and not _equal(old[1], v)):
            return None
    if plan._report_ops.get((), []) or set(plan._checks) - {()}:
        return None
    checks = []
    for cls, msg in plan._checks.get((), []):
        if not (isinstance(cls, type) and issubclass(cls, errors.OpError)) or \
                _resolve(cls.__module__, cls.__qualname__) is not cls or type(msg) is not str:
            return None
        checks.append((cls.__module__, cls.__qualname__, msg))
    pre = []
    for c in taken:
        if set(vars(c)) != {"op", "avals", "used", "ops"}:
            return None
        pre.append((c.op.name, [(tuple(a.shape), np.dtype(a.dtype).name) for a in c.avals],
                    tuple(bool(u) for u in c.used), [op.name for op in c.ops]))
    return {"checks": checks, "has_checks": bool(plan.has_checks),
            "deferrable": bool(plan.deferrable), "prechecks": pre}


def apply_results(plan, results):
    """Sets on the plan what its trace would have set (`trace_results`); returns the
    pre-checks taken out of the step, or None if an op they name is not in the graph."""
    graph = plan.dev_ops[0].graph if plan.dev_ops else None
    taken = []
    try:
        for name, avals, used, op_names in results["prechecks"]:
            taken.append(prechecks.PreCheck(
                graph.get_operation_by_name(name),
                [jax.ShapeDtypeStruct(shape, dtype) for shape, dtype in avals], used,
                [graph.get_operation_by_name(n) for n in op_names]))
    except (KeyError, ValueError, AttributeError):
        return None
    checks = [(_resolve(m, q), msg) for m, q, msg in results["checks"]]
    plan._checks[()] = checks
    plan.checks = checks
    plan._report_ops[()] = []
    plan.has_checks, plan.deferrable = results["has_checks"], results["deferrable"]
    return taken


# ----- compiling through the cache ----------------------------------------------------------
def compiled_step(plan, donate, args, options, trace_and_compile):
    """`trace_and_compile()` -> (jax.stages.Compiled, the pre-checks its trace took out of
    the step) through this cache: on a hit the stored executable, with what its trace set
    on the plan; on a miss `trace_and_compile`'s, stored when it can be. Call in TF
    precision (the key covers the thread's JAX context)."""
    key = plan_key(plan, donate, args, options) if enabled() else None
    if key is None:
        return trace_and_compile()
    hit = load(key)
    if hit is not None:
        compiled, results = hit
        taken = apply_results(plan, results)
        if taken is not None:
            return compiled, taken
    before = snapshot(plan)
    _JAX_CACHE.hits = 0
    compiled, taken = trace_and_compile()
    # An executable JAX loaded from its own cache is not re-serialized: XLA:CPU serializes
    # a deserialized executable without the kernels it shares (a later load fails with
    # "Function ... not found"). The plan then stays with JAX's cache.
    if not _JAX_CACHE.hits:
        results = trace_results(plan, before, taken)
        if results is not None:
            store(key, compiled, results)
    return compiled, taken


class _JaxCacheHits(threading.local):
    hits = 0


_JAX_CACHE = _JaxCacheHits()


def _on_jax_event(event, **_):
    if event == "/jax/compilation_cache/cache_hits":
        _JAX_CACHE.hits += 1


jax.monitoring.register_event_listener(_on_jax_event)


# ----- entries -----------------------------------------------------------------------------
def load(key):
    """(the jax.stages.Compiled, its trace results) stored under `key`, or None: missing,
    corrupt, truncated, or not loadable by this process."""
    path = os.path.join(cache_dir(), key + _SUFFIX)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        STATS["misses"] += 1
        return None
    try:
        if data[:len(_MAGIC)] != _MAGIC:
            raise ValueError("bad header")
        digest = data[len(_MAGIC):len(_MAGIC) + _DIGEST]
        body = data[len(_MAGIC) + _DIGEST:]
        if hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
            raise ValueError("digest mismatch")
        entry = pickle.loads(zlib.decompress(body))
        if entry["key"] != key:
            raise ValueError("key mismatch")
        devices = {d.id: d for d in jax.devices()}
        compiled = serialize_executable.deserialize_and_load(
            entry["executable"], entry["in_tree"], entry["out_tree"],
            execution_devices=[devices[i] for i in entry["devices"]])
        STATS["hits"] += 1
        return compiled, entry["results"]
    except Exception:  # noqa: BLE001  a bad entry is a miss, whatever is wrong with it
        STATS["misses"] += 1
        try:
            os.remove(path)
        except OSError:
            pass
        return None


def store(key, compiled, results):
    """Writes an entry (atomically); a failure to serialize or write is silently a no-store."""
    directory = cache_dir()
    try:
        executable, in_tree, out_tree = serialize_executable.serialize(compiled)
        body = zlib.compress(pickle.dumps(
            {"key": key, "executable": executable, "in_tree": in_tree, "out_tree": out_tree,
             "results": results,  # and the devices it runs on (loading defaults to all)
             "devices": [d.id for d in compiled.runtime_executable().local_devices()]},
            protocol=pickle.HIGHEST_PROTOCOL), 1)  # ~6x smaller
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body)
            os.replace(tmp, os.path.join(directory, key + _SUFFIX))
        except BaseException:
            os.remove(tmp)
            raise
    except Exception as e:  # noqa: BLE001  the cache is an optimisation: never fail a run
        _log.debug("step not stored: %r", e)
        return False
    STATS["stores"] += 1
    return True

