"""Differential fuzzing of the runtime against real TensorFlow (GitHub issue 8).

Random TF1 programs (tests/fuzz/programs.py: variables, scopes, reads, writes, scatter,
count_up_to, control dependencies, group, cond, placeholders and feeds, stateless math,
gradients, every TF1 optimizer, EMA, Saver, initializers, several sessions, make_callable,
random nested fetch structures, while loops, TensorArrays, scan/map_fn/foldl/foldr, tf.case and
data-dependent shapes over feeds of changing sizes, and a wide table of stateless ops fed ties,
kinks, NaN and inf: tests/fuzz/wide_ops.py) run on TensorFlow and on tfvars_jax (also with every
variable a resource variable); every record (fetched
values, exception classes, variables after each run, collections) must agree. A mismatching
program is shrunk (tests/fuzz/shrink.py) and the failure message holds a standalone script.

    TFVARS_FUZZ_N=5000 python -m pytest tests/test_fuzz_vs_tf.py -q     # a long run
    TFVARS_FUZZ_SEED=100000 ...                                         # another seed range
"""
import os
import time

import pytest

tf1 = pytest.importorskip("tensorflow.compat.v1", reason="the differential fuzzer needs TensorFlow")
tf1.disable_v2_behavior()
tf1.logging.set_verbosity(tf1.logging.ERROR)

import tfvars_jax as tfj  # noqa: E402
from tests.fuzz import interpreter, programs, shrink, wide_ops  # noqa: E402

pytestmark = pytest.mark.tensorflow

N_PROGRAMS = int(os.environ.get("TFVARS_FUZZ_N", "300"))
SEED_OFFSET = int(os.environ.get("TFVARS_FUZZ_SEED", "0"))
MAX_SHRUNK = 3          # failures shrunk per test run (the others are listed by seed)
SHRINK_BUDGET_S = 60.0  # per failure


def _run_both(program):
    return interpreter.run_program(program, tf1), interpreter.run_program(program, tfj)


def _report(seed, program, diff, shrunk_note):
    i, tf_rec, our_rec = diff
    text = [f"seed {seed}: record {i} differs ({shrunk_note})",
            f"  TF:         {tf_rec!r}"[:2000],
            f"  tfvars_jax: {our_rec!r}"[:2000],
            "  standalone script (python script.py tf  vs  python script.py):",
            programs.to_script(program)]
    return "\n".join(text)


def test_random_programs_match_tf():
    failures, listed = [], []
    t0 = time.time()
    for seed in range(SEED_OFFSET, SEED_OFFSET + N_PROGRAMS):
        program = programs.gen_program(seed)
        tf_records, our_records = _run_both(program)
        diff = interpreter.first_difference(tf_records, our_records)
        if diff is None:
            continue
        sig = interpreter.signature(diff)
        listed.append(f"seed {seed}: {sig}")
        if len(failures) < MAX_SHRUNK:
            log = []
            small = shrink.shrink(program, shrink.mismatch_predicate(tf1, tfj, sig), SHRINK_BUDGET_S, log)
            small_diff = interpreter.first_difference(*_run_both(small))
            if small_diff is None:  # should not happen; report the original
                small, small_diff, log = program, diff, ["not shrunk"]
            failures.append(_report(seed, small, small_diff, "; ".join(log)))
    elapsed = time.time() - t0
    assert not listed, (f"{len(listed)} of {N_PROGRAMS} programs differ from TF ({elapsed:.0f}s):\n"
                        + "\n".join(listed) + "\n\n" + "\n\n".join(failures))


N_RESOURCE = int(os.environ.get("TFVARS_FUZZ_RESOURCE_N", "40"))
RESOURCE_SEEDS = 500000  # a seed range of its own
# TF 2.x's resource variables lack initialized_value() (TF 1.15 has it; ours follow 1.15), and
# ExponentialMovingAverage calls it: programs with these steps are left out.
_TF2_RESOURCE_GAPS = ("initialized_value", "ema_apply", "ema_average")


def _run_with_resource_variables(program, tf):
    tf.enable_resource_variables()
    try:
        return interpreter.run_program(program, tf)
    finally:
        tf.disable_resource_variables()


def test_random_programs_with_resource_variables_match_tf():
    """The same generator with every variable a resource variable (tf.enable_resource_variables
    around the program, in both libraries): the ref-variable determinacy rules are stricter than
    what resource variables need, so every generated run is determinate for them too."""
    listed, ran = [], 0
    for seed in range(RESOURCE_SEEDS + SEED_OFFSET, RESOURCE_SEEDS + SEED_OFFSET + N_RESOURCE):
        program = programs.gen_program(seed)
        if any(step[0] in _TF2_RESOURCE_GAPS for step in program.steps):
            continue
        ran += 1
        diff = interpreter.first_difference(_run_with_resource_variables(program, tf1),
                                            _run_with_resource_variables(program, tfj))
        if diff is not None:
            i, tf_rec, our_rec = diff
            listed.append(f"seed {seed}: record {i}: TF {tf_rec!r:.500} ours {our_rec!r:.500}")
    assert ran >= N_RESOURCE // 2
    assert not listed, "\n".join(listed) + "\n(rerun a seed with tf.enable_resource_variables())"


def test_generator_is_a_function_of_the_seed():
    assert programs.gen_program(12345) == programs.gen_program(12345)
    assert programs.gen_program(1) != programs.gen_program(2)


def test_generator_covers_the_features():
    kinds, optimizers, fetch_kinds = set(), set(), set()
    for seed in range(300):
        for step in programs.gen_program(seed).steps:
            kinds.add(step[0])
            if step[0] == "optimizer":
                optimizers.add(step[2])
            if step[0] == "run" and step[2][0] != "node":
                fetch_kinds.add(step[2][0])
    assert optimizers == set(programs.OPTIMIZERS)
    assert {"list", "tuple", "dict"} <= fetch_kinds
    for kind in ("Variable", "get_variable", "get_variable_reuse", "assign", "scatter", "count_up_to",
                 "read_value", "initialized_value", "group", "cond", "placeholder", "gradients",
                 "compute_gradients", "apply_gradients", "minimize", "global_step", "ema_apply",
                 "ema_average", "saver", "save", "restore", "report_run", "init_vars", "init_local",
                 "make_callable", "call", "session", "while", "ta_loop", "functional", "case",
                 "boolean_mask", "where", "unique", "dynamic_partition", "dynamic_stitch",
                 "dd_reduce", "wide"):
        assert kind in kinds, kind


def test_generator_draws_every_wide_op():
    """Every entry of the wide op table (tests/fuzz/wide_ops.py) appears in CI's 300 programs,
    and some runs feed NaN or inf."""
    drawn, special = set(), 0
    for seed in range(300):
        program = programs.gen_program(seed)
        for step in program.steps:
            if step[0] == "wide":
                drawn.add(step[2])
            if step[0] == "run":
                special += any(v != v or v in (float("inf"), float("-inf"))
                               for _, value, _ in step[3] for v in wide_ops._flat(value))
    assert drawn == set(wide_ops.OP_NAMES)
    assert special > 0


def test_standalone_script_runs_the_same_program(tmp_path):
    """The script printed for a mismatch is the code the interpreter runs."""
    program = programs.gen_program(7)
    src = programs.to_script(program)
    compile(src, "fuzz_script.py", "exec")
    assert programs.program_source(program) in src
