"""The IPython extension: `%load_ext tfvars_jax` makes re-running a model-building cell safe.

Once loaded, every cell execution is a cell run (`variables/cell_reruns.py`): a re-executed
cell's `get_variable` calls (and the tf.layers and optimizer slots built on them) find the
variables the same cell made before, so a Session's trained values stay in use, while a name
clash between two different cells still raises TF1's "Variable ... already exists".

"The same cell" is the frontend's cell id when it sends one (JupyterLab, Notebook 7, VS Code:
an edited cell stays the same cell), else the cell's source text (a terminal IPython, or
clients such as nbclient that send no cell id: an edited cell is then a new cell, and its
variables clash with the old ones). The hooks are IPython's `pre_run_cell` (which carries
the cell id and source) and `post_run_cell` events.

`tf.Variable` (as TF1) always makes a new variable (`v_1`) on a re-run, and so do an
optimizer's non-slot variables (Adam's `beta1_power_1`); partitioned variables are not
re-found. Ops of earlier runs stay in the graph; a re-run's ops get uniquified names.
"""
import hashlib

from tfvars_jax.variables import cell_reruns


def cell_key(info):
    """The identity of the cell that `info` (IPython's ExecutionInfo) is about to run."""
    cell_id = getattr(info, "cell_id", None)
    if cell_id:
        return "id:" + str(cell_id)
    source = (getattr(info, "raw_cell", "") or "").strip()
    return "source:" + hashlib.sha1(source.encode("utf-8")).hexdigest()


def _pre_run_cell(info):
    cell_reruns.begin(cell_key(info))


def _post_run_cell(result):
    cell_reruns.end()


def load_ipython_extension(ipython):
    """`%load_ext tfvars_jax`: from the next cell on, re-running a cell finds its variables."""
    events = ipython.events
    if _pre_run_cell not in events.callbacks["pre_run_cell"]:
        events.register("pre_run_cell", _pre_run_cell)
        events.register("post_run_cell", _post_run_cell)


def unload_ipython_extension(ipython):
    """`%unload_ext tfvars_jax`: back to TF1's rule (a re-run cell's variables clash)."""
    events = ipython.events
    if _pre_run_cell in events.callbacks["pre_run_cell"]:
        events.unregister("pre_run_cell", _pre_run_cell)
        events.unregister("post_run_cell", _post_run_cell)
        cell_reruns.end()  # this cell's run: its post_run_cell will not come
