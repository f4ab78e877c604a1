"""How close can any NumPy step get to the matrix-product bound? The arithmetic floor.

``bench_step.py``'s bound counts the 25 matrix products of a step and nothing else. A step
also has elementwise passes: bias additions, activations and their derivatives, bias
gradients, Adam's update. This script times minigan's step beside the same products *plus*
the same elementwise passes minigan makes, written as bare NumPy calls into preallocated
arrays with no Python structure around them (no layers, no checks, no records): the floor
for a NumPy implementation that does this arithmetic. If the floor is far below the bound,
no rearranging of NumPy calls reaches the bound; only fewer passes (fused kernels) would.

    python benchmarks/bench_floor.py [--rounds 5]
"""
import argparse
import statistics

import numpy

from bench_step import SIZES, _steps_for, make_bound, make_minigan, time_rounds


def make_floor(B, H, seed=0):
    rng = numpy.random.default_rng(seed)

    def a(*shape):
        return numpy.abs(rng.standard_normal(shape, dtype=numpy.float32))
    slope = numpy.float32(0.2)
    W_in, W_hh, W_g_out, W_d_out = a(2, H), a(H, H), a(H, 2), a(H, 1)
    b_h, b_g, b_d = a(H), a(2), a(1)
    z, real_fake = a(B, 2), a(2 * B, 2)
    n_params = 2 * H + H + H * H + H + H * 2 + 2
    theta, g, m, v, tmp, m_hat = (a(n_params) for _ in range(6))
    arrays = {}

    def buf(name, *shape):
        if name not in arrays:
            arrays[name] = numpy.empty(shape, numpy.float32)
        return arrays[name]

    def forward(x, n, activation, W_out, b_out, tag):
        """Three layers; returns the hidden outputs h1, h2 and the output."""
        hs = []
        h = x
        for i, W in enumerate((W_in, W_hh), start=1):
            y = numpy.matmul(h, W, out=buf(f"{tag}a{i}", n, H))
            y += b_h
            if activation == "relu":
                h = numpy.maximum(y, 0.0, out=buf(f"{tag}h{i}", n, H))
            else:
                h = numpy.multiply(y, slope, out=buf(f"{tag}h{i}", n, H))
                numpy.maximum(y, h, out=h)
            hs.append(h)
        out = numpy.matmul(h, W_out, out=buf(f"{tag}out", n, W_out.shape[1]))
        out += b_out
        return hs, out

    def act_backward(d, y, activation, out):
        numpy.greater(y, 0.0, out=out)
        if activation != "relu":
            numpy.maximum(out, slope, out=out)
        out *= d
        return out

    def backward(x, hs, dout, n, activation, W_out, tag, params):
        """Backprop through three layers; dW/db only if ``params``; returns dL/dx."""
        h1, h2 = hs
        if params:
            h2.T @ dout
            dout.sum(axis=0)
        d = numpy.multiply(dout, W_out.T, out=buf(f"{tag}dh2", n, H)) if W_out.shape[1] == 1 \
            else numpy.matmul(dout, W_out.T, out=buf(f"{tag}dh2", n, H))
        d = act_backward(d, h2, activation, buf(f"{tag}da2", n, H))
        if params:
            h1.T @ d
            d.sum(axis=0)
        d = numpy.matmul(d, W_hh.T, out=buf(f"{tag}dh1", n, H))
        d = act_backward(d, h1, activation, buf(f"{tag}da1", n, H))
        if params:
            x.T @ d
            d.sum(axis=0)
        return d @ W_in.T if not params else None

    def adam(theta=theta, g=g, m=m, v=v, tmp=tmp, m_hat=m_hat):  # Adam's 12 passes, as minigan makes them
        m *= 0.5
        m += numpy.multiply(g, 0.5, out=tmp)
        v *= 0.999
        numpy.multiply(g, g, out=tmp)
        tmp *= 0.001
        v += tmp
        numpy.divide(m, 0.5, out=m_hat)
        numpy.divide(v, 0.001, out=tmp)
        numpy.sqrt(tmp, out=tmp)
        tmp += 1e-8
        m_hat *= 1e-4
        theta -= numpy.divide(m_hat, tmp, out=m_hat)

    def step():
        _, fake = forward(z, B, "relu", W_g_out, b_g, "G")  # D step
        hs, logits = forward(real_fake, 2 * B, "leaky", W_d_out, b_d, "D2")
        backward(real_fake, hs, logits, 2 * B, "leaky", W_d_out, "D2", params=True)
        adam()
        g_hs, fake = forward(z, B, "relu", W_g_out, b_g, "G")  # G step
        hs, logits = forward(fake, B, "leaky", W_d_out, b_d, "D1")
        d_fake = backward(fake, hs, logits, B, "leaky", W_d_out, "D1", params=False)
        backward(z, g_hs, d_fake, B, "relu", W_g_out, "G", params=True)
        adam()

    def run(steps):
        for _ in range(steps):
            step()
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print("| B, H | minigan | NumPy floor | matrix products alone | floor / bound | minigan / bound | minigan / floor |")
    print("|---|---|---|---|---|---|---|")
    for B, H in SIZES:
        rates = time_rounds({"minigan": make_minigan(B, H), "floor": make_floor(B, H), "bound": make_bound(B, H)},
                            _steps_for(B, H), args.rounds)
        med = {k: statistics.median(r) for k, r in rates.items()}

        def ratio(a, b):
            return 100 * statistics.median(x / y for x, y in zip(rates[a], rates[b]))
        print(f"| {B}, {H} | {med['minigan']:.1f} | {med['floor']:.1f} | {med['bound']:.1f} | "
              f"{ratio('floor', 'bound'):.0f}% | {ratio('minigan', 'bound'):.0f}% | {ratio('minigan', 'floor'):.0f}% |",
              flush=True)


if __name__ == "__main__":
    main()
