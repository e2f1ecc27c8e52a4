"""TF1 ``tf.compat.v1.train.*Optimizer`` update rules as optax GradientTransformations.

Each factory returns an ``optax.GradientTransformation`` whose ``update``
returns *updates*: ``optax.apply_updates(params, updates)`` yields the
parameters TF1's dense ``Apply*`` kernel would write, and the state holds
exactly the values of TF1's slot and non-slot variables.

The arithmetic follows TF1's CPU kernels (``tensorflow/core/kernels/
training_ops.cc``) term by term, including their evaluation order and TF1's
float32 hyperparameters, so results agree with TF1 to a few ulps rather than
just being "the same algorithm". (XLA on CPU contracts ``a*b + c`` into FMAs
and TF1's Eigen kernels do not; a slot that nearly cancels can therefore
differ by a few more ulps in relative terms.)

Conventions shared by every optimizer:

* State is a NamedTuple whose fields are TF1's ``get_slot`` names, in TF1's
  slot-creation order. A field is either a per-parameter tree shaped like the
  params (a *slot*) or a scalar (a *non-slot*, e.g. Adam's ``beta1_power``).
  ``State.SLOT_NAMES`` maps slot fields to the TF1 variable-name suffix
  (``"m" -> "Adam"`` gives ``"w/Adam"``); ``State.NON_SLOT_NAMES`` maps
  non-slot fields to TF1's variable name. Both are in creation order and use
  the optimizer's default ``name``.
* Hyperparameters may be Python numbers or (possibly traced) JAX scalars given
  at construction time. As in TF1, Python numbers become float32 scalars and
  every hyperparameter is cast to each gradient's dtype before use; nothing
  branches in Python on their values.
* Slots and updates take their parameter's dtype; gradients must already
  have it (TF1 rejects mismatches too; here a ``TypeError``). Non-slot scalars
  take the hyperparameter's dtype (float32 for Python numbers -- TF1 does not
  use the first variable's dtype).
* Rules that subtract from the variable (``var -= delta``) return
  ``-delta``, so ``apply_updates`` performs TF1's subtraction with no extra
  rounding. Rules that assign the variable (FTRL, proximal) return
  ``new - var``, so ``apply_updates`` may differ from TF1 by one rounding of
  that difference.
* Only dense gradients are supported: TF1's sparse (``IndexedSlices``)
  ``_apply_sparse`` paths, ``use_locking`` and callable hyperparameters are
  out of scope.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

__all__ = [
    "AdadeltaState",
    "AdagradState",
    "AdamState",
    "CenteredRMSPropState",
    "FtrlState",
    "GradientDescentState",
    "MomentumState",
    "ProximalAdagradState",
    "RMSPropState",
    "adadelta",
    "adagrad",
    "adam",
    "ftrl",
    "gradient_descent",
    "momentum",
    "proximal_adagrad",
    "proximal_gradient_descent",
    "rmsprop",
]


# --------------------------------------------------------------------------
# States
# --------------------------------------------------------------------------


class GradientDescentState(NamedTuple):
    """State of TF1's ``GradientDescentOptimizer`` and
    ``ProximalGradientDescentOptimizer``: they create no slots."""

    SLOT_NAMES = {}
    NON_SLOT_NAMES = {}


class MomentumState(NamedTuple):
    """State of TF1's ``MomentumOptimizer``: slot ``momentum`` ("w/Momentum")."""

    momentum: Any
    SLOT_NAMES = {"momentum": "Momentum"}
    NON_SLOT_NAMES = {}


class AdamState(NamedTuple):
    """State of TF1's ``AdamOptimizer``: slots ``m`` ("w/Adam") and ``v``
    ("w/Adam_1"), non-slots ``beta1_power`` and ``beta2_power``."""

    m: Any
    v: Any
    beta1_power: jax.Array
    beta2_power: jax.Array
    SLOT_NAMES = {"m": "Adam", "v": "Adam_1"}
    NON_SLOT_NAMES = {"beta1_power": "beta1_power", "beta2_power": "beta2_power"}


class AdagradState(NamedTuple):
    """State of TF1's ``AdagradOptimizer``: slot ``accumulator`` ("w/Adagrad")."""

    accumulator: Any
    SLOT_NAMES = {"accumulator": "Adagrad"}
    NON_SLOT_NAMES = {}


class RMSPropState(NamedTuple):
    """State of TF1's ``RMSPropOptimizer(centered=False)``: slots ``rms``
    ("w/RMSProp", starts at ones) and ``momentum`` ("w/RMSProp_1")."""

    rms: Any
    momentum: Any
    SLOT_NAMES = {"rms": "RMSProp", "momentum": "RMSProp_1"}
    NON_SLOT_NAMES = {}


class CenteredRMSPropState(NamedTuple):
    """State of TF1's ``RMSPropOptimizer(centered=True)``: slots ``rms``
    ("w/RMSProp", starts at ones), ``mg`` ("w/RMSProp_1") and ``momentum``
    ("w/RMSProp_2")."""

    rms: Any
    mg: Any
    momentum: Any
    SLOT_NAMES = {"rms": "RMSProp", "mg": "RMSProp_1", "momentum": "RMSProp_2"}
    NON_SLOT_NAMES = {}


class AdadeltaState(NamedTuple):
    """State of TF1's ``AdadeltaOptimizer``: slots ``accum`` ("w/Adadelta")
    and ``accum_update`` ("w/Adadelta_1")."""

    accum: Any
    accum_update: Any
    SLOT_NAMES = {"accum": "Adadelta", "accum_update": "Adadelta_1"}
    NON_SLOT_NAMES = {}


class FtrlState(NamedTuple):
    """State of TF1's ``FtrlOptimizer``: slots ``accum`` ("w/Ftrl", starts at
    ``initial_accumulator_value``) and ``linear`` ("w/Ftrl_1")."""

    accum: Any
    linear: Any
    SLOT_NAMES = {"accum": "Ftrl", "linear": "Ftrl_1"}
    NON_SLOT_NAMES = {}


class ProximalAdagradState(NamedTuple):
    """State of TF1's ``ProximalAdagradOptimizer``: slot ``accumulator``
    ("w/ProximalAdagrad", starts at ``initial_accumulator_value``)."""

    accumulator: Any
    SLOT_NAMES = {"accumulator": "ProximalAdagrad"}
    NON_SLOT_NAMES = {}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _hparam(value) -> jax.Array:
    """``value`` as TF1's ``convert_to_tensor`` types it: Python numbers
    become float32, arrays (including tracers) keep their dtype."""
    if isinstance(value, (int, float)):
        return jnp.asarray(value, jnp.float32)
    return jnp.asarray(value)


def _cast(dtype, *scalars) -> tuple:
    """``scalars`` cast to ``dtype``, as TF1 casts hyperparameters to the
    variable's dtype before calling the kernel."""
    return tuple(t.astype(dtype) for t in scalars)


def _leafwise(fn: Callable, n_out: int, grads, *trees) -> tuple:
    """Call ``fn(g, *leaves)`` per gradient leaf, where ``trees`` are slots or
    params of the gradient's dtype; unzip its ``n_out`` results into
    ``n_out`` trees shaped like ``grads``."""
    leaves, treedef = jax.tree.flatten(grads)
    columns = [treedef.flatten_up_to(tree) for tree in trees]
    for g, *others in zip(leaves, *columns):
        for other in others:
            if jnp.result_type(other) != jnp.result_type(g):
                raise TypeError(
                    f"gradient dtype {jnp.result_type(g)} does not match its variable's {jnp.result_type(other)}"
                )
    results = [fn(*args) for args in zip(leaves, *columns)]
    return tuple(treedef.unflatten([r[i] for r in results]) for i in range(n_out))


def _fill(params, value):
    """A slot tree shaped and typed like ``params``, filled with ``value``."""
    return jax.tree.map(lambda p: jnp.full(jnp.shape(p), value, jnp.result_type(p)), params)


def _require_params(params, name: str) -> None:
    """Raise if ``params`` is missing; assignment-style rules read the variable."""
    if params is None:
        raise ValueError(f"tf1_optax.{name} needs `params` in update(grads, state, params).")


def _shrink(prox, l1_scaled, denom, l1):
    """TF1's proximal step: ``sign(v)*max(|v|-l1_scaled, 0)/denom`` if
    ``l1 > 0`` else ``v/denom``."""
    shrunk = jnp.sign(prox) * jnp.maximum(jnp.abs(prox) - l1_scaled, 0) / denom
    return jnp.where(l1 > 0, shrunk, prox / denom)


# --------------------------------------------------------------------------
# Optimizers
# --------------------------------------------------------------------------


def gradient_descent(learning_rate) -> optax.GradientTransformation:
    """TF1 ``GradientDescentOptimizer``: ``var -= grad * lr``.

    Same as ``optax.sgd`` except the learning rate is cast to each
    gradient's dtype as TF1 does.
    """
    lr_t = _hparam(learning_rate)

    def init_fn(params):
        del params
        return GradientDescentState()

    def update_fn(grads, state, params=None):
        del params
        return jax.tree.map(lambda g: -(g * _cast(g.dtype, lr_t)[0]), grads), state

    return optax.GradientTransformation(init_fn, update_fn)


def momentum(learning_rate, momentum, use_nesterov=False) -> optax.GradientTransformation:
    """TF1 ``MomentumOptimizer`` (``ApplyMomentum`` kernel).

    ``accum = accum * momentum + grad``; then ``var -= accum * lr``, or with
    ``use_nesterov`` ``var -= grad * lr + accum * momentum * lr``. The same
    rule as ``optax.sgd(lr, momentum, nesterov)``; differs only in the state
    layout and in rounding order.
    """
    lr_t, mom_t = _hparam(learning_rate), _hparam(momentum)

    def init_fn(params):
        return MomentumState(momentum=_fill(params, 0))

    def update_fn(grads, state, params=None):
        del params

        def leaf(g, accum):
            lr, mu = _cast(g.dtype, lr_t, mom_t)
            accum = accum * mu + g
            if use_nesterov:
                return -(g * lr + accum * mu * lr), accum
            return -(accum * lr), accum

        updates, accum = _leafwise(leaf, 2, grads, state.momentum)
        return updates, MomentumState(momentum=accum)

    return optax.GradientTransformation(init_fn, update_fn)


def adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8) -> optax.GradientTransformation:
    """TF1 ``AdamOptimizer`` (``ApplyAdam`` kernel, then the power update).

    ``alpha = lr * sqrt(1 - beta2_power) / (1 - beta1_power)``;
    ``m += (g - m) * (1 - beta1)``; ``v += (g*g - v) * (1 - beta2)``;
    ``var -= m * alpha / (sqrt(v) + epsilon)``; then ``beta1_power *= beta1``
    and ``beta2_power *= beta2``. The powers start at ``beta1``/``beta2``.
    Differs from ``optax.adam``: epsilon is added to the un-bias-corrected
    ``sqrt(v)`` ("epsilon hat"), and the step count lives in the powers.
    """
    lr_t, b1_t, b2_t, eps_t = map(_hparam, (learning_rate, beta1, beta2, epsilon))

    def init_fn(params):
        return AdamState(m=_fill(params, 0), v=_fill(params, 0), beta1_power=b1_t, beta2_power=b2_t)

    def update_fn(grads, state, params=None):
        del params

        def leaf(g, m, v):
            lr, b1, b2, eps, b1p, b2p = _cast(g.dtype, lr_t, b1_t, b2_t, eps_t, state.beta1_power,
                                              state.beta2_power)
            alpha = lr * jnp.sqrt(1 - b2p) / (1 - b1p)
            m = m + (g - m) * (1 - b1)
            v = v + (g * g - v) * (1 - b2)
            return -((m * alpha) / (jnp.sqrt(v) + eps)), m, v

        updates, m, v = _leafwise(leaf, 3, grads, state.m, state.v)
        return updates, AdamState(
            m=m, v=v, beta1_power=state.beta1_power * b1_t, beta2_power=state.beta2_power * b2_t
        )

    return optax.GradientTransformation(init_fn, update_fn)


def adagrad(learning_rate, initial_accumulator_value=0.1) -> optax.GradientTransformation:
    """TF1 ``AdagradOptimizer`` (``ApplyAdagrad`` kernel).

    ``accum += g*g``; ``var -= g * lr * rsqrt(accum)``. Differs from
    ``optax.adagrad``, which adds ``eps`` inside the rsqrt and zeroes the
    update where the accumulator is 0; TF1 has no epsilon.
    """
    lr_t = _hparam(learning_rate)

    def init_fn(params):
        return AdagradState(accumulator=_fill(params, initial_accumulator_value))

    def update_fn(grads, state, params=None):
        del params

        def leaf(g, accum):
            accum = accum + g * g
            (lr,) = _cast(g.dtype, lr_t)
            return -(g * lr * jax.lax.rsqrt(accum)), accum

        updates, accum = _leafwise(leaf, 2, grads, state.accumulator)
        return updates, AdagradState(accumulator=accum)

    return optax.GradientTransformation(init_fn, update_fn)


def rmsprop(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
            centered=False) -> optax.GradientTransformation:
    """TF1 ``RMSPropOptimizer`` (``ApplyRMSProp`` / ``ApplyCenteredRMSProp``).

    ``rms += (g*g - rms) * (1 - decay)``; centered also
    ``mg += (g - mg) * (1 - decay)`` and uses ``rms - mg*mg`` below;
    ``momentum = momentum * mu + g * lr / sqrt(rms + epsilon)``;
    ``var -= momentum``. The momentum slot always exists (TF1 creates it even
    for ``momentum=0``). Differs from ``optax.rmsprop``'s defaults: ``rms``
    starts at ONES (optax ``initial_scale=0``) and epsilon is 1e-10. The
    state class is ``CenteredRMSPropState`` when ``centered`` else
    ``RMSPropState``.
    """
    lr_t, rho_t, mom_t, eps_t = map(_hparam, (learning_rate, decay, momentum, epsilon))

    def init_fn(params):
        if centered:
            return CenteredRMSPropState(rms=_fill(params, 1), mg=_fill(params, 0),
                                        momentum=_fill(params, 0))
        return RMSPropState(rms=_fill(params, 1), momentum=_fill(params, 0))

    def update_fn(grads, state, params=None):
        del params

        def leaf(g, rms, mom, mg=None):
            lr, rho, mu, eps = _cast(g.dtype, lr_t, rho_t, mom_t, eps_t)
            rms = rms + (g * g - rms) * (1 - rho)
            if mg is None:
                denom = rms + eps
            else:
                mg = mg + (g - mg) * (1 - rho)
                denom = (rms - mg * mg) + eps
            mom = mom * mu + (g * lr) / jnp.sqrt(denom)
            return -mom, rms, mom, mg

        slots = (state.rms, state.momentum, state.mg) if centered else (state.rms, state.momentum)
        updates, rms, mom, mg = _leafwise(leaf, 4, grads, *slots)
        if centered:
            return updates, CenteredRMSPropState(rms=rms, mg=mg, momentum=mom)
        return updates, RMSPropState(rms=rms, momentum=mom)

    return optax.GradientTransformation(init_fn, update_fn)


def adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-8) -> optax.GradientTransformation:
    """TF1 ``AdadeltaOptimizer`` (``ApplyAdadelta`` kernel).

    ``accum = accum * rho + g*g * (1 - rho)``;
    ``u = sqrt(accum_update + eps) * rsqrt(accum + eps) * g``;
    ``var -= u * lr``; ``accum_update = accum_update * rho + u*u * (1 - rho)``.
    Differs from ``optax.adadelta`` in defaults (TF1: learning rate 0.001 --
    the paper's form needs 1.0 -- rho 0.95, epsilon 1e-8) and in state layout.
    """
    lr_t, rho_t, eps_t = map(_hparam, (learning_rate, rho, epsilon))

    def init_fn(params):
        return AdadeltaState(accum=_fill(params, 0), accum_update=_fill(params, 0))

    def update_fn(grads, state, params=None):
        del params

        def leaf(g, accum, accum_update):
            lr, r, eps = _cast(g.dtype, lr_t, rho_t, eps_t)
            accum = accum * r + g * g * (1 - r)
            u = jnp.sqrt(accum_update + eps) * jax.lax.rsqrt(accum + eps) * g
            accum_update = accum_update * r + u * u * (1 - r)
            return -(u * lr), accum, accum_update

        updates, accum, accum_update = _leafwise(leaf, 3, grads, state.accum, state.accum_update)
        return updates, AdadeltaState(accum=accum, accum_update=accum_update)

    return optax.GradientTransformation(init_fn, update_fn)


def ftrl(
    learning_rate,
    learning_rate_power=-0.5,
    initial_accumulator_value=0.1,
    l1_regularization_strength=0.0,
    l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0,
    beta=0.0,
) -> optax.GradientTransformation:
    """TF1 ``FtrlOptimizer`` (``ApplyFtrlV2`` kernel; ``ApplyFtrl`` is the
    same rule with zero shrinkage).

    With ``p(x) = x ** -learning_rate_power`` (``sqrt`` when it is -0.5),
    ``l2 = l2_regularization_strength + beta / (2 * max(lr, 1e-36))``:
    ``new_accum = accum + g*g``;
    ``linear += g + 2*l2_shrinkage*var - (p(new_accum) - p(accum)) / lr * var``;
    ``var = (l1*sign(linear) - linear) / (p(new_accum)/lr + 2*l2)`` where
    ``|linear| > l1``, else 0; ``accum = new_accum``. Needs ``params``.
    TF1's argument validation (non-negative strengths, ``lr_power <= 0``) is
    not repeated, since the values may be traced. There is no optax equivalent.
    """
    lr_t, power_t, l1_t, shrink_t = map(
        _hparam, (learning_rate, learning_rate_power, l1_regularization_strength,
                  l2_shrinkage_regularization_strength)
    )
    l2_t = _hparam(l2_regularization_strength) + _hparam(beta) / (2.0 * jnp.maximum(lr_t, 1e-36))

    def init_fn(params):
        return FtrlState(accum=_fill(params, initial_accumulator_value), linear=_fill(params, 0))

    def update_fn(grads, state, params=None):
        _require_params(params, "ftrl")

        def leaf(g, accum, linear, var):
            lr, power, l1, l2, shrink = _cast(g.dtype, lr_t, power_t, l1_t, l2_t, shrink_t)

            def p(x):
                return jnp.where(power == -0.5, jnp.sqrt(x), x ** -power)

            new_accum = accum + g * g
            linear = linear + ((g + 2 * shrink * var) - (p(new_accum) - p(accum)) / lr * var)
            x = l1 * jnp.sign(linear) - linear
            y = p(new_accum) / lr + 2 * l2
            new_var = jnp.where(jnp.abs(linear) > l1, x / y, jnp.zeros_like(var))
            return new_var - var, new_accum, linear

        updates, accum, linear = _leafwise(leaf, 3, grads, state.accum, state.linear, params)
        return updates, FtrlState(accum=accum, linear=linear)

    return optax.GradientTransformation(init_fn, update_fn)


def proximal_gradient_descent(
    learning_rate, l1_regularization_strength=0.0, l2_regularization_strength=0.0
) -> optax.GradientTransformation:
    """TF1 ``ProximalGradientDescentOptimizer`` (FOBOS step).

    ``v = var - g * lr``; ``var = sign(v) * max(|v| - lr*l1, 0) / (1 + l2*lr)``
    (just ``v / (1 + l2*lr)`` when ``l1 == 0``). Needs ``params``. No state.
    """
    lr_t, l1_t, l2_t = map(_hparam,
                           (learning_rate, l1_regularization_strength, l2_regularization_strength))

    def init_fn(params):
        del params
        return GradientDescentState()

    def update_fn(grads, state, params=None):
        _require_params(params, "proximal_gradient_descent")

        def leaf(g, var):
            lr, l1, l2 = _cast(g.dtype, lr_t, l1_t, l2_t)
            prox = var - g * lr
            return (_shrink(prox, lr * l1, 1 + l2 * lr, l1) - var,)

        (updates,) = _leafwise(leaf, 1, grads, params)
        return updates, state

    return optax.GradientTransformation(init_fn, update_fn)


def proximal_adagrad(
    learning_rate, initial_accumulator_value=0.1, l1_regularization_strength=0.0,
    l2_regularization_strength=0.0,
) -> optax.GradientTransformation:
    """TF1 ``ProximalAdagradOptimizer`` (FOBOS step with Adagrad rate).

    ``accum += g*g``; ``a = lr * rsqrt(accum)``; ``v = var - g * a``;
    ``var = sign(v) * max(|v| - a*l1, 0) / (1 + l2*a)`` (just
    ``v / (1 + l2*a)`` when ``l1 == 0``). Needs ``params``. (TF1 itself only
    accepts float32 variables here when the hyperparameters are Python
    numbers; this version casts to any dtype.)
    """
    lr_t, l1_t, l2_t = map(_hparam,
                           (learning_rate, l1_regularization_strength, l2_regularization_strength))

    def init_fn(params):
        return ProximalAdagradState(accumulator=_fill(params, initial_accumulator_value))

    def update_fn(grads, state, params=None):
        _require_params(params, "proximal_adagrad")

        def leaf(g, accum, var):
            lr, l1, l2 = _cast(g.dtype, lr_t, l1_t, l2_t)
            accum = accum + g * g
            rate = lr * jax.lax.rsqrt(accum)
            prox = var - g * rate
            return _shrink(prox, rate * l1, 1 + l2 * rate, l1) - var, accum

        updates, accum = _leafwise(leaf, 2, grads, state.accumulator, params)
        return updates, ProximalAdagradState(accumulator=accum)

    return optax.GradientTransformation(init_fn, update_fn)
