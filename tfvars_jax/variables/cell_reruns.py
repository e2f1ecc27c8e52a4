"""Re-running a notebook cell: its `get_variable` calls find the variables its last run made.

TF1 raises "Variable ... already exists" when a notebook cell that builds a model runs twice.
Under the IPython extension (`%load_ext tfvars_jax`, see `tfvars_jax/notebook.py`) every cell
execution is a *cell run*: `begin(key)` ... `end()`, where `key` names the cell (the
frontend's cell id, else a hash of its source). This module keeps, per graph:

- the owner of each `get_variable` variable: the cell key and the run that made (or last
  re-claimed) it. A `get_variable` without reuse that finds a variable owned by the same cell
  in an *earlier* run returns it, and the current run claims it. Everything else is TF1's
  rule: a second `get_variable` of one name in the same run, or a name made by another cell,
  still raises "already exists".
- the default names each cell's last run was given (`variable_scope(None, default_name=...)`,
  tf.layers' `dense`, `dense_1`): a re-run gets the same names in the same order, so unnamed
  layers and optimizer slots (`w/Adam`) find their variables too.

Ops made by the earlier run stay in the graph; the re-run's ops get fresh, uniquified names
(`dense_1/MatMul`), as a TF1 rebuild would. Values live in the Session under the variables'
names, so trained values survive. Outside a cell run (no extension, plain scripts) nothing
here runs but one check of a module global.
"""

_RECORD_KEY = ("__cell_reruns",)
_current = None  # (cell key, run serial) of the cell being executed, or None
_outer = []       # the cell runs a nested one (`get_ipython().run_cell(...)`) interrupted
_serial = 0


def begin(key):
    """Starts a cell run of the cell named `key` (called before the cell executes)."""
    global _current, _serial
    _serial += 1
    _outer.append(_current)
    _current = (key, _serial)


def end():
    """Ends the current cell run (called after the cell executed, even if it failed); the
    cell run it interrupted, if any, goes on."""
    global _current
    _current = _outer.pop() if _outer else None


def current():
    """(cell key, run serial) of the cell run in progress, or None."""
    return _current


class _Record:
    """One graph's re-run bookkeeping."""

    def __init__(self):
        self.owners = {}   # variable name -> (cell key, run serial)
        self.names = {}    # cell key -> _CellNames

    def cell(self, key, serial):
        names = self.names.get(key)
        if names is None:
            names = self.names[key] = _CellNames()
        if names.serial != serial:
            names.previous.update(names.current)
            names.current = {}
            names.serial = serial
        return names


class _CellNames:
    """The default names a cell was given: in its last finished run and in this run."""

    def __init__(self):
        self.serial = None
        self.previous = {}  # (kind, base) -> names in order
        self.current = {}


def _record(graph):
    ref = graph.get_collection_ref(_RECORD_KEY)
    if not ref:
        ref.append(_Record())
    return ref[0]


def may_reuse(graph, name):
    """True if the cell being run made variable `name` in an earlier run (it now claims it)."""
    run = _current
    if run is None:
        return False
    record = _record(graph)
    owner = record.owners.get(name)
    if owner is None or owner[0] != run[0] or owner[1] == run[1]:
        return False
    record.owners[name] = run
    return True


def created(graph, name):
    """Records that the cell being run (if any) made variable `name`."""
    run = _current
    if run is not None:
        _record(graph).owners[name] = run


def replay_name(graph, kind, base, fresh):
    """The default name for the next `(kind, base)` request: in a re-run, the name the cell's
    last run got for the same request; otherwise (and past the last run's requests) `fresh()`."""
    run = _current
    if run is None:
        return fresh()
    names = _record(graph).cell(*run)
    given = names.current.setdefault((kind, base), [])
    previous = names.previous.get((kind, base), ())
    name = previous[len(given)] if len(given) < len(previous) else fresh()
    given.append(name)
    return name
