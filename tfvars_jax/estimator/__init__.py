"""`tf.estimator` (TF 1.15): Estimator, EstimatorSpec, ModeKeys, RunConfig,
WarmStartSettings, VocabInfo, `inputs.numpy_input_fn`, and the session-run hooks TF1
re-exports here. Canned estimators (`LinearRegressor`, `DNNClassifier`, ...),
`train_and_evaluate` and `export` are not shipped (AttributeError)."""
from tfvars_jax import _namespace
from tfvars_jax.estimator import inputs
from tfvars_jax.estimator.estimator import Estimator
from tfvars_jax.estimator.mode_keys import ModeKeys
from tfvars_jax.estimator.model_fn import EstimatorSpec
from tfvars_jax.estimator.run_config import RunConfig
from tfvars_jax.estimator.warm_start_settings import WarmStartSettings
from tfvars_jax.train.warm_starting_util import VocabInfo
from tfvars_jax.train.session_run_hook import SessionRunHook
from tfvars_jax.train.session_run_hook import SessionRunArgs
from tfvars_jax.train.session_run_hook import SessionRunContext
from tfvars_jax.train.session_run_hook import SessionRunValues
from tfvars_jax.train.basic_session_run_hooks import CheckpointSaverHook
from tfvars_jax.train.basic_session_run_hooks import CheckpointSaverListener
from tfvars_jax.train.basic_session_run_hooks import FeedFnHook
from tfvars_jax.train.basic_session_run_hooks import FinalOpsHook
from tfvars_jax.train.basic_session_run_hooks import GlobalStepWaiterHook
from tfvars_jax.train.basic_session_run_hooks import LoggingTensorHook
from tfvars_jax.train.basic_session_run_hooks import NanLossDuringTrainingError
from tfvars_jax.train.basic_session_run_hooks import NanTensorHook
from tfvars_jax.train.basic_session_run_hooks import SecondOrStepTimer
from tfvars_jax.train.basic_session_run_hooks import StepCounterHook
from tfvars_jax.train.basic_session_run_hooks import StopAtStepHook
from tfvars_jax.train.basic_session_run_hooks import SummarySaverHook

__all__ = [
    "inputs", "Estimator", "ModeKeys", "EstimatorSpec", "RunConfig", "WarmStartSettings",
    "VocabInfo", "SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues",
    "CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook",
    "GlobalStepWaiterHook", "LoggingTensorHook", "NanLossDuringTrainingError", "NanTensorHook",
    "SecondOrStepTimer", "StepCounterHook", "StopAtStepHook", "SummarySaverHook",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
