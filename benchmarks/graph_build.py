"""Graph-build cost: `get_variable` in nested variable scopes, and the global initializer.

A model of 10 layer scopes, each holding N/20 unit scopes with `weights` [8, 8] (glorot
uniform, the default) and `biases` [8] (zeros): N variables named
"model/layer3/unit17/weights". For N = 1,000 and 10,000 it prints, per variable (µs):
  * get_variable: the `get_variable` calls alone, and the whole build (scopes included),
    both as CPU time (robust on a loaded machine); "get_variable, gc off" is the same with
    Python's cyclic garbage collector disabled, which shows how much of the growth with
    graph size is the collector walking an ever larger heap;
  * init build: creating `global_variables_initializer()`;
  * init run: the first `sess.run(init)` (includes compilation) and a second one (wall time);
and the 10k/1k ratio of each (1.0 = cost per variable independent of graph size).
Targets (issue 15): get_variable <= 30 µs; 10k per-variable cost within 1.2x of 1k.
Each timed build starts right after `gc.collect()`.
Run: python benchmarks/graph_build.py [--quick] [--profile]
  --profile: cProfile of building the 10k graph, top functions by own time.
"""
import cProfile
import gc
import pstats
import statistics
import sys
import time

import tfvars_jax as tf

QUICK = "--quick" in sys.argv
LAYERS = 10


def build(n):
    """Builds the n-variable model in a fresh graph; returns (graph, get_variable s, total s)."""
    units = n // (2 * LAYERS)
    g = tf.Graph()
    gv_time = 0.0
    clock = time.process_time
    with g.as_default():
        t0 = clock()
        with tf.variable_scope("model"):
            for layer in range(LAYERS):
                with tf.variable_scope(f"layer{layer}"):
                    for unit in range(units):
                        with tf.variable_scope(f"unit{unit}"):
                            t = clock()
                            tf.get_variable("weights", [8, 8])
                            tf.get_variable("biases", [8], initializer=tf.zeros_initializer())
                            gv_time += clock() - t
        total = clock() - t0
    assert len(g.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)) == n
    return g, gv_time, total


def initialize(g):
    """(init-op build s, first run s, second run s)."""
    with g.as_default():
        t0 = time.perf_counter()
        init = tf.global_variables_initializer()
        t1 = time.perf_counter()
    sess = tf.Session(graph=g)
    t2 = time.perf_counter()
    sess.run(init)
    t3 = time.perf_counter()
    sess.run(init)
    t4 = time.perf_counter()
    sess.close()
    return t1 - t0, t3 - t2, t4 - t3


def measure(n, repeats):
    rows = []
    for _ in range(repeats):
        gc.collect()  # every build starts from the same collector state: no collection that
        g, gv, total = build(n)  # the previous step's garbage triggers is billed to it
        row = (gv, total) + initialize(g)
        del g
        gc.collect()
        gc.disable()
        try:
            gv_nogc = build(n)[1]
        finally:
            gc.enable()
        gc.collect()
        rows.append(row[:1] + (gv_nogc,) + row[1:])
    med = [statistics.median(col) / n * 1e6 for col in zip(*rows)]
    return dict(zip(("get_variable", "get_variable, gc off", "build", "init build", "init run 1", "init run 2"),
                    med))


def main():
    build(200)  # warm caches (shape inference, initializer kernels)
    initialize(build(200)[0])
    sizes = (1_000, 10_000)
    results = {n: measure(n, repeats=(2 if QUICK else 5) if n <= 1_000 else (1 if QUICK else 3)) for n in sizes}
    print(f"{'µs per variable':<22}" + "".join(f"{f'N={n:,}':>12}" for n in sizes) + f"{'10k/1k':>10}")
    for key in results[sizes[0]]:
        a, b = results[sizes[0]][key], results[sizes[1]][key]
        print(f"{key:<22}{a:>12.1f}{b:>12.1f}{b / a:>10.2f}")
    if "--profile" in sys.argv:
        prof = cProfile.Profile()
        prof.enable()
        build(10_000)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
