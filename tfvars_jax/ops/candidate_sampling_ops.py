"""Candidate samplers: `tf.nn.log_uniform_candidate_sampler`, `uniform_candidate_sampler`,
`fixed_unigram_candidate_sampler` (the negatives of `nce_loss` / `sampled_softmax_loss`).

Each is one random op (kind RANDOM, seeds as TF1's `get_seed`) with TF1's three outputs:
`sampled_candidates` (int64 [num_sampled]), `true_expected_count` (float32
[batch, num_true]) and `sampled_expected_count` (float32 [num_sampled]). As TF1's
`RangeSampler`: with `unique=True` values are drawn one at a time and duplicates rejected until
`num_sampled` distinct ones are picked (`num_tries` draws); the expected count of a class with
probability `p` is `p * num_sampled` when no draw was rejected, otherwise
`-expm1(num_tries * log1p(-p))`, both in float32 as TF's kernel computes them.

The sampled values follow TF1's distributions but are not TF1's bits (JAX's PRNG, not TF's
Philox stream): pass `sampled_values=` to the losses to reproduce a TF1 run exactly.
"""
import jax
import jax.numpy as jnp
import numpy as np

from tfvars_jax.framework import dtypes
from tfvars_jax.framework import ops as ops_lib
from tfvars_jax.framework import errors
from tfvars_jax.framework.op_builder import convert_to_tensor, make_op
from tfvars_jax.framework.tensor_shape import TensorShape
from tfvars_jax.ops.random_ops import RANDOM


# ----- the samplers' distributions (TF's range_sampler.cc) --------------------------------
def _log_uniform_draw(key, range_max, table):
    u = jax.random.uniform(key, (), jnp.float64)
    return jnp.floor(jnp.exp(u * np.log1p(range_max))).astype(jnp.int64) - 1


def _log_uniform_prob(values, range_max, table):
    v = values.astype(jnp.float64)
    return (jnp.log((v + 2.0) / (v + 1.0)) / np.log1p(range_max)).astype(jnp.float32)


def _uniform_draw(key, range_max, table):
    return jax.random.randint(key, (), 0, range_max, jnp.int64)


def _uniform_prob(values, range_max, table):
    return jnp.full(values.shape, np.float32(1.0 / range_max), jnp.float32)


def _unigram_draw(key, range_max, table):
    probs = np.asarray(table, np.float32)
    logits = np.where(probs > 0, np.log(np.maximum(probs, 1e-45)), -np.inf)
    return jax.random.categorical(key, jnp.asarray(logits)).astype(jnp.int64)


def _unigram_prob(values, range_max, table):
    probs = jnp.asarray(np.asarray(table, np.float32))
    inside = (values >= 0) & (values < range_max)
    return jnp.where(inside, probs[jnp.clip(values, 0, range_max - 1)], jnp.float32(0))


_SAMPLERS = {"log_uniform": (_log_uniform_draw, _log_uniform_prob),
             "uniform": (_uniform_draw, _uniform_prob),
             "unigram": (_unigram_draw, _unigram_prob)}


def _expected_count(p, num_sampled, num_tries):
    """TF's `ExpectedCountHelper`, in float32."""
    p = p.astype(jnp.float32)
    direct = p * jnp.float32(num_sampled)
    tries = num_tries.astype(jnp.float32)
    # TF's float32 log1pf/expm1f round the exact results; XLA's float32 versions can be an ulp
    # off, so each is taken in float64 and rounded, step by step as TF computes.
    log_q = jnp.log1p(-p.astype(jnp.float64)).astype(jnp.float32)
    stable = -jnp.expm1((tries * log_q).astype(jnp.float64)).astype(jnp.float32)
    return jnp.where(num_tries == num_sampled, direct, stable).astype(jnp.float32)


def _sample_unique(key, draw, num_sampled):
    """Draws until `num_sampled` distinct values are picked: (values, number of draws)."""
    slots = jnp.arange(num_sampled)

    def cond(state):
        return state[1] < num_sampled

    def body(state):
        out, picked, tries, k = state
        k, sub = jax.random.split(k)
        v = draw(sub)
        dup = jnp.any((out == v) & (slots < picked))
        out = jnp.where(dup | (slots != picked), out, v)
        return out, picked + jnp.where(dup, 0, 1), tries + 1, k

    init = (jnp.zeros(num_sampled, jnp.int64), jnp.int64(0), jnp.int64(0), key)
    out, _, tries, _ = jax.lax.while_loop(cond, body, init)
    return out, tries


def _sampler_kernel(key, true_classes, sampler, num_sampled, unique, range_max, table):
    draw_one, prob = _SAMPLERS[sampler]

    def draw(k):
        return draw_one(k, range_max, table)

    if unique:
        sampled, tries = _sample_unique(key, draw, num_sampled)
    else:
        sampled = jax.vmap(draw)(jax.random.split(key, num_sampled)) if num_sampled else \
            jnp.zeros((0,), jnp.int64)
        tries = jnp.int64(num_sampled)
    true_count = _expected_count(prob(true_classes, range_max, table), num_sampled, tries)
    sampled_count = _expected_count(prob(sampled, range_max, table), num_sampled, tries)
    return sampled, true_count, sampled_count


def _sampler(op_type, sampler, true_classes, num_true, num_sampled, unique, range_max, seed,
             name, table=None):
    num_true, num_sampled, range_max = int(num_true), int(num_sampled), int(range_max)
    if num_true < 1:
        raise ValueError(f"{op_type}: num_true must be at least 1, got {num_true}")
    if num_sampled < 1:
        raise ValueError(f"{op_type}: num_sampled must be at least 1, got {num_sampled}")
    if range_max < 1:
        raise ValueError(f"{op_type}: range_max must be at least 1, got {range_max}")
    if unique and num_sampled > range_max:
        # TF1 raises this when the op runs; the attributes already tell.
        raise errors.InvalidArgumentError(
            None, None, f"{op_type}: Sampler's range is too small: num_sampled={num_sampled} "
                        f"unique candidates cannot be drawn from range_max={range_max}.")
    tc = convert_to_tensor(true_classes, name="true_classes")
    if tc.dtype.base_dtype != dtypes.int64:
        raise TypeError(f"Value passed to parameter 'true_classes' has DataType "
                        f"{tc.dtype.name} not in list of allowed values: int64")
    dims = tc.shape.as_tuple()
    if dims is not None:
        if len(dims) != 2:
            raise ValueError(f"{op_type}: true_classes '{ops_lib.display_name(tc)}' must be a matrix "
                             f"[batch_size, num_true], got shape {tc.shape}")
        if dims[1] is not None and dims[1] != num_true:
            raise ValueError(f"{op_type}: true_classes '{ops_lib.display_name(tc)}' must have num_true="
                             f"{num_true} columns, got shape {tc.shape}")
    batch = dims[0] if dims is not None else None
    specs = [(dtypes.int64, TensorShape([num_sampled])),
             (dtypes.float32, TensorShape([batch, num_true])),
             (dtypes.float32, TensorShape([num_sampled]))]
    op = make_op(op_type, _sampler_kernel, [tc], name=name or op_type, kind=RANDOM, seed=seed,
                 out_specs=specs,
                 attrs={"sampler": sampler, "num_sampled": num_sampled, "unique": bool(unique),
                        "range_max": range_max, "table": table})
    op.attrs["seed"], op.attrs["seed2"] = op.seed[:2]
    op.attrs["num_true"] = num_true
    return tuple(op.outputs)


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None):
    """TF1's `tf.nn.log_uniform_candidate_sampler` (also `tf.random.*`): samples classes in
    [0, range_max) with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1) (Zipfian: classes
    sorted by decreasing frequency). Returns (sampled_candidates, true_expected_count,
    sampled_expected_count); see the module docstring. The samples are not TF1's bits.

    Raises:
      TypeError: `true_classes` is not int64 (TF1's op takes only int64).
      ValueError: `true_classes` is not [batch, num_true]; non-positive counts.
      errors.InvalidArgumentError: `unique` with `num_sampled > range_max` (TF1 raises it when
        the op runs; we raise it when the op is built).
    """
    return _sampler("LogUniformCandidateSampler", "log_uniform", true_classes, num_true,
                    num_sampled, unique, range_max, seed, name)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None,
                              name=None):
    """TF1's `tf.nn.uniform_candidate_sampler`: classes uniform in [0, range_max); see
    `log_uniform_candidate_sampler` for the outputs and errors."""
    return _sampler("UniformCandidateSampler", "uniform", true_classes, num_true, num_sampled,
                    unique, range_max, seed, name)


def _unigram_table(unigrams, distortion, num_reserved_ids, range_max):
    """TF's FixedUnigramSampler probabilities: reserved ids weigh 0, the others
    `unigram ** distortion`, divided by their float32 running total."""
    weights = [np.float32(0.0)] * num_reserved_ids
    total = np.float32(0.0)
    for w in unigrams:
        # powf of float32 values, rounded from float64 (NumPy's float32 power is an ulp off)
        w = np.float32(np.float64(np.float32(w)) ** np.float64(np.float32(distortion)))
        total = np.float32(total + w)
        weights.append(w)
    if len(weights) != range_max:
        raise errors.InvalidArgumentError(
            None, None, f"FixedUnigramCandidateSampler: range_max ({range_max}) must equal "
                        f"num_reserved_ids + len(unigrams) ({len(weights)}).")
    if not total > 0:
        raise ValueError("fixed_unigram_candidate_sampler: the unigrams must have a positive sum.")
    return tuple(float(np.float32(w / total)) for w in weights)


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0,
                                    num_shards=1, shard=0, unigrams=(), seed=None, name=None):
    """TF1's `tf.nn.fixed_unigram_candidate_sampler` from a `unigrams` list: class
    `num_reserved_ids + i` has probability proportional to `unigrams[i] ** distortion`
    (reserved ids never drawn); see `log_uniform_candidate_sampler` for the outputs.

    Raises:
      NotImplementedError: `vocab_file` (reading counts from a file), or `num_shards` > 1.
      errors.InvalidArgumentError: `range_max != num_reserved_ids + len(unigrams)`.
    """
    if vocab_file:
        raise NotImplementedError("fixed_unigram_candidate_sampler argument 'vocab_file' is not "
                                  "supported; pass the counts as `unigrams`.")
    if num_shards != 1 or shard != 0:
        raise NotImplementedError("fixed_unigram_candidate_sampler arguments 'num_shards' and "
                                  "'shard' are not supported (only num_shards=1, shard=0).")
    if not len(unigrams):
        raise ValueError("fixed_unigram_candidate_sampler: pass the class counts as `unigrams`.")
    table = _unigram_table(unigrams, distortion, int(num_reserved_ids), int(range_max))
    return _sampler("FixedUnigramCandidateSampler", "unigram", true_classes, num_true,
                    num_sampled, unique, range_max, seed, name, table=table)


def _all_candidates_kernel(true_classes, num_sampled):
    return (jnp.arange(num_sampled, dtype=jnp.int64),
            jnp.ones(true_classes.shape, jnp.float32), jnp.ones((num_sampled,), jnp.float32))


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """TF1's `tf.nn.all_candidate_sampler` ("AllCandidateSampler"): every class in
    [0, num_sampled) once, in order, each with expected count 1 (for testing sampled losses
    against the full softmax). `unique` and `seed` do not change the result, as in TF1."""
    del unique, seed  # the sampler draws nothing
    num_true, num_sampled = int(num_true), int(num_sampled)
    tc = convert_to_tensor(true_classes, name="true_classes")
    if tc.dtype.base_dtype != dtypes.int64:
        raise TypeError(f"Value passed to parameter 'true_classes' has DataType "
                        f"{tc.dtype.name} not in list of allowed values: int64")
    dims = tc.shape.as_tuple()
    if dims is not None and (len(dims) != 2 or dims[1] not in (None, num_true)):
        raise ValueError(f"AllCandidateSampler: true_classes '{ops_lib.display_name(tc)}' must be "
                         f"[batch_size, num_true={num_true}], got shape {tc.shape}")
    batch = dims[0] if dims is not None else None
    op = make_op("AllCandidateSampler", _all_candidates_kernel, [tc],
                 name=name or "AllCandidateSampler", attrs={"num_sampled": num_sampled},
                 out_specs=[(dtypes.int64, TensorShape([num_sampled])),
                            (dtypes.float32, TensorShape([batch, num_true])),
                            (dtypes.float32, TensorShape([num_sampled]))])
    return tuple(op.outputs)
