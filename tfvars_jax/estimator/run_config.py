"""TF1's `tf.estimator.RunConfig`: where an Estimator keeps its model and how often it saves.

As TF 1.15: the checkpoint schedule (`save_checkpoints_steps` or `save_checkpoints_secs`,
600 s by default), `keep_checkpoint_max`, `keep_checkpoint_every_n_hours`,
`save_summary_steps`, `log_step_count_steps`, `tf_random_seed` (the graph seed of every graph
the Estimator builds), `session_config` (a `tf.ConfigProto`; ours records it) and `device_fn`
(a device function applied to every op the Estimator builds), each validated with TF's
messages; `replace(**kwargs)` returns a copy. The cluster properties describe one local
chief (`task_type` 'worker', `is_chief` True, `master` '').

Where we differ: there is no distributed runtime, so `train_distribute`, `eval_distribute`,
`experimental_distribute`, `protocol` and `experimental_max_worker_delay_secs` raise
NotImplementedError when set, and so does a TF_CONFIG environment variable that names a
cluster. `session_creation_timeout_secs` concerns only workers waiting for a chief: it is
validated and recorded.
"""
import copy
import inspect
import json
import os

from tfvars_jax.runtime.session import ConfigProto
from tfvars_jax.train.cluster import ClusterSpec

_USE_DEFAULT = object()
_SAVE_CKPT_ERR = "`save_checkpoints_steps` and `save_checkpoints_secs` cannot be both set."
_DISTRIBUTION_ARGS = ("train_distribute", "eval_distribute", "experimental_distribute",
                      "protocol", "experimental_max_worker_delay_secs")
_REPLACEABLE = [
    "model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
    "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
    "keep_checkpoint_every_n_hours", "log_step_count_steps", "train_distribute", "device_fn",
    "protocol", "eval_distribute", "experimental_distribute",
    "experimental_max_worker_delay_secs", "session_creation_timeout_secs",
]


class TaskType:
    """TF1's `tf.estimator.RunConfig` task types."""
    MASTER = "master"
    PS = "ps"
    WORKER = "worker"
    CHIEF = "chief"
    EVALUATOR = "evaluator"


def _device_fn_ok(fn):
    if not callable(fn):
        return False
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return list(params) == ["op"]


def _validate(config):
    """TF's checks of the properties, with its messages (ValueError)."""
    checks = [
        ("model_dir", lambda d: d, "model_dir should be non-empty"),
        ("save_summary_steps", lambda s: s >= 0, "save_summary_steps should be >= 0"),
        ("save_checkpoints_steps", lambda s: s >= 0, "save_checkpoints_steps should be >= 0"),
        ("save_checkpoints_secs", lambda s: s >= 0, "save_checkpoints_secs should be >= 0"),
        ("session_config", lambda c: isinstance(c, ConfigProto),
         "session_config must be instance of ConfigProto"),
        ("keep_checkpoint_max", lambda k: k >= 0, "keep_checkpoint_max should be >= 0"),
        ("keep_checkpoint_every_n_hours", lambda k: k > 0,
         "keep_checkpoint_every_n_hours should be > 0"),
        ("log_step_count_steps", lambda n: n > 0, "log_step_count_steps should be > 0"),
        ("tf_random_seed", lambda s: isinstance(s, int) and not isinstance(s, bool),
         "tf_random_seed must be integer."),
        ("session_creation_timeout_secs", lambda t: t > 0,
         "session_creation_timeout_secs should be > 0"),
        ("device_fn", _device_fn_ok, 'device_fn must be callable with exactly one argument "op".'),
    ]
    for name, ok, message in checks:
        value = getattr(config, "_" + name)
        if value is not None and not ok(value):
            raise ValueError(message)
    for name in _DISTRIBUTION_ARGS:
        if getattr(config, "_" + name) is not None:
            raise NotImplementedError(
                f"tf.estimator.RunConfig({name}={getattr(config, '_' + name)!r}): distribution "
                "strategies and distributed runtimes are not supported by tfvars_jax; leave "
                f"{name}=None (an Estimator trains in this process).")


def _cluster_from_environment():
    """TF_CONFIG's model_dir; a cluster or task in it raises NotImplementedError."""
    tf_config = json.loads(os.environ.get("TF_CONFIG", "{}") or "{}")
    if tf_config.get("cluster") or tf_config.get("task"):
        raise NotImplementedError(
            "tf.estimator.RunConfig: the TF_CONFIG environment variable names a cluster or task "
            f"({tf_config!r}); distributed training is not supported by tfvars_jax. Unset "
            "TF_CONFIG to train in this process.")
    return tf_config.get("model_dir")


class RunConfig:
    """TF1's `tf.estimator.RunConfig(model_dir=None, tf_random_seed=None,
    save_summary_steps=100, save_checkpoints_steps=USE_DEFAULT,
    save_checkpoints_secs=USE_DEFAULT, session_config=None, keep_checkpoint_max=5,
    keep_checkpoint_every_n_hours=10000, log_step_count_steps=100, train_distribute=None,
    device_fn=None, protocol=None, eval_distribute=None, experimental_distribute=None,
    experimental_max_worker_delay_secs=None, session_creation_timeout_secs=7200)`.

    Neither checkpoint argument given: every 600 seconds; one given: only that one; both
    given (not None): ValueError. See the module docstring for what we do not support.
    """

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5,
                 keep_checkpoint_every_n_hours=10000, log_step_count_steps=100,
                 train_distribute=None, device_fn=None, protocol=None, eval_distribute=None,
                 experimental_distribute=None, experimental_max_worker_delay_secs=None,
                 session_creation_timeout_secs=7200):
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_steps, save_checkpoints_secs = None, 600
        elif save_checkpoints_secs is _USE_DEFAULT:
            save_checkpoints_secs = None
        elif save_checkpoints_steps is _USE_DEFAULT:
            save_checkpoints_steps = None
        elif save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(_SAVE_CKPT_ERR)
        env_model_dir = _cluster_from_environment()
        if model_dir is not None and env_model_dir is not None and model_dir != env_model_dir:
            raise ValueError("model_dir are set both in constructor and TF_CONFIG, but with "
                             f"different values. In constructor: '{model_dir}', in TF_CONFIG: "
                             f"'{env_model_dir}'")
        model_dir = os.fspath(model_dir) if model_dir is not None else env_model_dir
        self._set(model_dir=model_dir, tf_random_seed=tf_random_seed,
                  save_summary_steps=save_summary_steps,
                  save_checkpoints_steps=save_checkpoints_steps,
                  save_checkpoints_secs=save_checkpoints_secs, session_config=session_config,
                  keep_checkpoint_max=keep_checkpoint_max,
                  keep_checkpoint_every_n_hours=keep_checkpoint_every_n_hours,
                  log_step_count_steps=log_step_count_steps, train_distribute=train_distribute,
                  device_fn=device_fn, protocol=protocol, eval_distribute=eval_distribute,
                  experimental_distribute=experimental_distribute,
                  experimental_max_worker_delay_secs=experimental_max_worker_delay_secs,
                  session_creation_timeout_secs=session_creation_timeout_secs)
        _validate(self)

    def _set(self, **kwargs):
        for key, value in kwargs.items():
            setattr(self, "_" + key, value)

    def replace(self, **kwargs):
        """A copy with the given properties replaced (TF's list of replaceable ones);
        ValueError for another name. Replacing one checkpoint schedule (not None) clears the
        other; replacing both with values raises ValueError (as TF)."""
        config = copy.deepcopy(self)
        for key in kwargs:
            if key not in _REPLACEABLE:
                raise ValueError(f"Replacing {key} is not supported. Allowed properties are "
                                 f"{_REPLACEABLE}.")
        config._set(**kwargs)
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" in kwargs:
            if (config._save_checkpoints_steps is not None and
                    config._save_checkpoints_secs is not None):
                raise ValueError(_SAVE_CKPT_ERR)
        elif "save_checkpoints_steps" in kwargs and config._save_checkpoints_steps is not None:
            config._save_checkpoints_secs = None
        elif "save_checkpoints_secs" in kwargs and config._save_checkpoints_secs is not None:
            config._save_checkpoints_steps = None
        _validate(config)
        return config

    # ----- the cluster: one local chief -------------------------------------------------------
    @property
    def cluster_spec(self):
        return ClusterSpec({})

    @property
    def evaluation_master(self):
        return ""

    @property
    def is_chief(self):
        return True

    @property
    def master(self):
        return ""

    @property
    def num_ps_replicas(self):
        return 0

    @property
    def num_worker_replicas(self):
        return 1

    @property
    def task_id(self):
        return 0

    @property
    def task_type(self):
        return TaskType.WORKER

    @property
    def global_id_in_cluster(self):
        return 0

    @property
    def service(self):
        return None

    # ----- the properties given to the constructor ------------------------------------------
    @property
    def model_dir(self):
        return self._model_dir

    @property
    def tf_random_seed(self):
        return self._tf_random_seed

    @property
    def save_summary_steps(self):
        return self._save_summary_steps

    @property
    def save_checkpoints_steps(self):
        return self._save_checkpoints_steps

    @property
    def save_checkpoints_secs(self):
        return self._save_checkpoints_secs

    @property
    def session_config(self):
        return self._session_config

    @property
    def keep_checkpoint_max(self):
        return self._keep_checkpoint_max

    @property
    def keep_checkpoint_every_n_hours(self):
        return self._keep_checkpoint_every_n_hours

    @property
    def log_step_count_steps(self):
        return self._log_step_count_steps

    @property
    def train_distribute(self):
        return self._train_distribute

    @property
    def eval_distribute(self):
        return self._eval_distribute

    @property
    def experimental_distribute(self):
        return self._experimental_distribute

    @property
    def experimental_max_worker_delay_secs(self):
        return self._experimental_max_worker_delay_secs

    @property
    def session_creation_timeout_secs(self):
        return self._session_creation_timeout_secs

    @property
    def device_fn(self):
        return self._device_fn

    @property
    def protocol(self):
        return self._protocol

    def __repr__(self):
        fields = ", ".join(f"{k[1:]}={v!r}" for k, v in sorted(vars(self).items()))
        return f"RunConfig({fields})"
