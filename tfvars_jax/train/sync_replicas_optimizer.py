"""`tf.train.SyncReplicasOptimizer`: gradients averaged over a cluster's workers, one update.

TF1 collected `replicas_to_aggregate` gradients per variable in conditional accumulators on
the parameter servers; the chief's queue runner applied their mean once enough had arrived
and released tokens that let workers go on. In a tfvars_jax cluster (runtime/cluster.py)
every step is one SPMD program over the workers, so the same aggregation is an all-reduce:
each worker's gradients are averaged over the workers (`replica_mean`) and every worker
applies the same mean with the wrapped optimizer, incrementing `global_step` once per step,
as TF1's chief does. Outside a cluster (one process) the mean is over the one replica.

Not honoured (NotImplementedError): `replicas_to_aggregate` different from
`total_num_replicas` (backup workers whose gradients TF1 drops as stale) and
`variable_averages` (deprecated in TF1). Tokens and the chief's queue runner have no role
with synchronous all-reduce: `get_init_tokens_op` is a no-op, the queue runner starts no
thread, `make_session_run_hook` checks only that `apply_gradients` was called.
"""
from tfvars_jax.framework import indexed_slices
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework.op_builder import make_op
from tfvars_jax.ops import control_flow_ops
from tfvars_jax.runtime import cluster as cluster_lib
from tfvars_jax.train import optimizer
from tfvars_jax.train import session_run_hook


def _mean_kernel(grad, replicas):
    count = cluster_lib.replica_count()
    # A gradient of a variable (replicated over the workers) arrives summed over them:
    # JAX's autodiff of a shard_map transposes the variable's broadcast into a psum, so the
    # mean divides by the count; a gradient that still varies is all-reduced here.
    if count != replicas:
        raise ValueError(
            f"SyncReplicasOptimizer(replicas_to_aggregate={replicas}) runs on {count} "
            f"worker(s): the number of replicas must equal the cluster's workers (JAX "
            f"processes of the tf.train.Server cluster).")
    if cluster_lib.varies(grad):
        return cluster_lib.replica_mean(grad)
    return grad / count


class SyncReplicasOptimizer:
    """TF1's `tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate,
    total_num_replicas=None, variable_averages=None, variables_to_average=None,
    use_locking=False, name="sync_replicas")`: `opt` applies the mean of the workers'
    gradients once per step (see the module doc for what differs from TF1)."""

    def __init__(self, opt, replicas_to_aggregate, total_num_replicas=None,
                 variable_averages=None, variables_to_average=None, use_locking=False,
                 name="sync_replicas"):
        if total_num_replicas is None:
            total_num_replicas = replicas_to_aggregate
        if int(replicas_to_aggregate) < 1:
            raise ValueError(f"replicas_to_aggregate must be at least 1, got "
                             f"{replicas_to_aggregate}")
        if int(replicas_to_aggregate) != int(total_num_replicas):
            raise NotImplementedError(
                f"SyncReplicasOptimizer(replicas_to_aggregate={replicas_to_aggregate}, "
                f"total_num_replicas={total_num_replicas}): tfvars_jax averages the gradients "
                "of every worker in each step (an all-reduce), so it cannot aggregate fewer "
                "replicas than there are (TF1's backup workers); make them equal.")
        if variable_averages is not None or variables_to_average is not None:
            raise NotImplementedError(
                "SyncReplicasOptimizer(variable_averages=..., variables_to_average=...) is not "
                "supported (deprecated in TF1): use tf.train.ExponentialMovingAverage's apply() "
                "after the update instead.")
        self._opt = opt
        self._replicas_to_aggregate = int(replicas_to_aggregate)
        self._total_num_replicas = int(total_num_replicas)
        self._use_locking = use_locking
        self._name = name
        self._gradients_applied = False
        self._global_step = None
        self._chief_queue_runner = None

    def get_name(self):
        return self._name

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's `compute_gradients` (this worker's gradients)."""
        return self._opt.compute_gradients(*args, **kwargs)

    # TF1's SyncReplicasOptimizer is an Optimizer: minimize is compute_gradients (this
    # worker's) then our apply_gradients (the mean over the workers).
    minimize = optimizer.Optimizer.minimize

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Averages each gradient over the workers, then applies the means with the wrapped
        optimizer (incrementing `global_step` once). An IndexedSlices gradient is averaged as
        its dense value (workers look up different rows)."""
        if not grads_and_vars:
            raise ValueError("Must supply at least one variable")
        if global_step is None:
            raise ValueError("Global step is required to check staleness")
        pairs = []
        with ops_lib.name_scope(None), ops_lib.name_scope(self._name):
            for grad, var in grads_and_vars:
                if grad is None:
                    pairs.append((grad, var))
                    continue
                if isinstance(grad, indexed_slices.IndexedSlices):
                    grad = ops_lib.convert_to_tensor(grad)
                mean = make_op("SyncReplicasMean", _mean_kernel, [grad],
                               name=f"{var.op.name}/replica_mean",
                               attrs={"replicas": self._replicas_to_aggregate},
                               out_specs=[(grad.dtype, grad.shape)]).outputs[0]
                pairs.append((mean, var))
        graph = ops_lib.get_default_graph()
        before = len(graph.get_operations())
        update = self._opt.apply_gradients(pairs, global_step=global_step, name=name)
        for op in graph.get_operations()[before:]:
            if op.kind is optimizer.APPLY_UPDATES:
                op._synchronous = True  # its gradients are the workers' mean
        self._gradients_applied = True
        self._global_step = global_step
        self._chief_queue_runner = _ChiefQueueRunner(f"{self._name}/sync_token_q")
        return update

    def get_chief_queue_runner(self):
        """TF1's runner that applied the aggregated update and released tokens; here a runner
        with no threads to start (the all-reduce synchronises the workers)."""
        if not self._gradients_applied:
            raise ValueError("Should be called after apply_gradients().")
        return self._chief_queue_runner

    def get_init_tokens_op(self, num_tokens=-1):
        """A no-op (TF1 filled the token queue; synchronous all-reduce needs no tokens)."""
        if not self._gradients_applied:
            raise ValueError("get_init_tokens_op() should be called after apply_gradients().")
        tokens_needed = self._replicas_to_aggregate - self._total_num_replicas
        if num_tokens != -1 and num_tokens < tokens_needed:
            raise ValueError(f"Too few tokens to finish the first step: {num_tokens} (given) vs "
                             f"{tokens_needed} (needed)")
        return control_flow_ops.no_op(name="sync_replicas_init_tokens")

    def make_session_run_hook(self, is_chief, num_tokens=-1):
        """A hook for MonitoredTrainingSession (checks that apply_gradients was called)."""
        return _SyncReplicasOptimizerHook(self, is_chief, num_tokens)

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)

    def variables(self):
        """The wrapped optimizer's variables (no accumulators or local steps exist here)."""
        return self._opt.variables()


class _ChiefQueueRunner:
    """What `get_chief_queue_runner` returns: `create_threads` starts nothing."""

    def __init__(self, name):
        self.name = name

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        return []


class _SyncReplicasOptimizerHook(session_run_hook.SessionRunHook):
    def __init__(self, sync_optimizer, is_chief, num_tokens):
        self._sync_optimizer = sync_optimizer
        self._is_chief = is_chief
        self._num_tokens = num_tokens

    def begin(self):
        if not self._sync_optimizer._gradients_applied:
            raise ValueError("SyncReplicasOptimizer.apply_gradient should be called before using "
                             "the hook.")
        opt = self._sync_optimizer
        needed = opt._replicas_to_aggregate - opt._total_num_replicas
        if self._is_chief and self._num_tokens != -1 and self._num_tokens < needed:
            raise ValueError(f"Too few tokens to finish the first step: {self._num_tokens} "
                             f"(given) vs {needed} (needed)")
