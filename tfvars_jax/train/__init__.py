"""`tf.train`: optimizers (an optax bridge), learning-rate schedules, moving averages, the
global step, Saver and checkpoint reading, ClusterSpec and replica_device_setter
(device placement as TF1 records it).
"""
from tfvars_jax import _namespace
from tfvars_jax.train.optimizer import Optimizer
from tfvars_jax.train.optimizer import GradientDescentOptimizer
from tfvars_jax.train.optimizer import MomentumOptimizer
from tfvars_jax.train.optimizer import AdamOptimizer
from tfvars_jax.train.optimizer import AdagradOptimizer
from tfvars_jax.train.optimizer import RMSPropOptimizer
from tfvars_jax.train.optimizer import AdadeltaOptimizer
from tfvars_jax.train.optimizer import FtrlOptimizer
from tfvars_jax.train.optimizer import ProximalGradientDescentOptimizer
from tfvars_jax.train.optimizer import ProximalAdagradOptimizer
from tfvars_jax.train.optimizer import OptaxOptimizer
from tfvars_jax.train.learning_rate_decay import exponential_decay
from tfvars_jax.train.learning_rate_decay import piecewise_constant
from tfvars_jax.train.learning_rate_decay import polynomial_decay
from tfvars_jax.train.learning_rate_decay import cosine_decay
from tfvars_jax.train.learning_rate_decay import natural_exp_decay
from tfvars_jax.train.learning_rate_decay import inverse_time_decay
from tfvars_jax.train.moving_averages import ExponentialMovingAverage
from tfvars_jax.train.training_util import global_step
from tfvars_jax.train.training_util import get_global_step
from tfvars_jax.train.training_util import create_global_step
from tfvars_jax.train.training_util import get_or_create_global_step
from tfvars_jax.train.training_util import assert_global_step
from tfvars_jax.train.saver import Saver
from tfvars_jax.train.saver import SaverDef
from tfvars_jax.train.checkpoint_management import latest_checkpoint
from tfvars_jax.train.checkpoint_management import get_checkpoint_state
from tfvars_jax.train.checkpoint_management import checkpoint_exists
from tfvars_jax.train.checkpoint_management import get_checkpoint_mtimes
from tfvars_jax.train.checkpoint_management import remove_checkpoint
from tfvars_jax.train.checkpoint_management import update_checkpoint_state
from tfvars_jax.train.checkpoint_utils import NewCheckpointReader
from tfvars_jax.train.checkpoint_utils import load_checkpoint
from tfvars_jax.train.checkpoint_utils import load_variable
from tfvars_jax.train.checkpoint_utils import list_variables
from tfvars_jax.train.checkpoint_utils import init_from_checkpoint
from tfvars_jax.train.cluster import ClusterSpec
from tfvars_jax.train.device_setter import replica_device_setter

__all__ = [
    "Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
    "AdagradOptimizer", "RMSPropOptimizer", "AdadeltaOptimizer", "FtrlOptimizer",
    "ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer", "OptaxOptimizer",
    "exponential_decay", "piecewise_constant", "polynomial_decay", "cosine_decay",
    "natural_exp_decay", "inverse_time_decay", "ExponentialMovingAverage", "global_step",
    "get_global_step", "create_global_step", "get_or_create_global_step", "assert_global_step",
    "Saver", "SaverDef", "latest_checkpoint", "get_checkpoint_state", "checkpoint_exists",
    "get_checkpoint_mtimes", "remove_checkpoint", "update_checkpoint_state", "NewCheckpointReader",
    "load_checkpoint", "load_variable", "list_variables", "init_from_checkpoint",
    "ClusterSpec", "replica_device_setter",
]

__getattr__ = _namespace.unsupported_getattr(__name__)
