#!/usr/bin/python3
"""Per-component timings (ms, median) in PyTorch eager at the forward benchmark's shapes; the counterpart of
`ModelCompress.Bench micro`. Usage: /usr/bin/python3 bench/python/micro.py --dtype fp32 --batch 8 --seq 512"""
import argparse, json, math, statistics, time
import torch
import torch.nn.functional as F

ap = argparse.ArgumentParser()
ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
for name, default in (("batch", 8), ("seq", 512), ("threads", 2), ("warmup", 1), ("iters", 5), ("seed", 42)):
    ap.add_argument("--" + name, type=int, default=default)
a = ap.parse_args()
torch.set_num_threads(a.threads)
dt = torch.bfloat16 if a.dtype == "bf16" else torch.float32
g = torch.Generator().manual_seed(a.seed)
b, t, hidden, heads, kvh, d, inter = a.batch, a.seq, 768, 12, 4, 64, 2048
R = lambda *s: (torch.randn(*s, generator=g) * 0.02).to(dt)
timings = {}

def time_op(name, op):
    ms = []
    for i in range(a.warmup + a.iters):
        s = time.perf_counter(); op(); e = time.perf_counter()
        if i >= a.warmup: ms.append((e - s) * 1e3)
    timings[name] = round(statistics.median(ms), 2)

with torch.inference_mode():
    x = R(b, t, hidden); wq, wk, wo = R(hidden, hidden), R(kvh * d, hidden), R(hidden, hidden)
    wg, wd, wh = R(inter, hidden), R(hidden, inter), R(32000, hidden)
    nw = torch.ones(hidden, dtype=dt)
    q, k, v = R(b, heads, t, d), R(b, kvh, t, d), R(b, kvh, t, d)
    kr, vr = k.repeat_interleave(heads // kvh, 1), v.repeat_interleave(heads // kvh, 1)
    inv = 1.0 / (10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    fr = torch.outer(torch.arange(t, dtype=torch.float32), inv.float()); ang = torch.cat((fr, fr), -1)
    cos, sin = ang.cos().to(dt), ang.sin().to(dt)
    mask = torch.full((t, t), float("-inf"), dtype=dt).triu(1)
    rot = lambda z: torch.cat((-z[..., d // 2:], z[..., :d // 2]), -1)

    def rms_model():
        x32 = x.float(); return nw * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + 1e-5)).to(dt)
    time_op("rmsnorm_model", rms_model)
    time_op("rmsnorm_native_dtype", lambda: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * nw)
    time_op("rotary_apply_q", lambda: q * cos + rot(q) * sin)
    time_op("repeat_interleave_k_only", lambda: k.repeat_interleave(heads // kvh, 1))
    time_op("expand_reshape_k_only", lambda: k.unsqueeze(2).expand(b, kvh, heads // kvh, t, d).reshape(b, heads, t, d))
    if hasattr(F, "scaled_dot_product_attention"):
        time_op("sdpa_is_causal", lambda: F.scaled_dot_product_attention(q, kr, vr, is_causal=True))
    time_op("attention_math", lambda: torch.softmax((q @ kr.transpose(-2, -1)) / math.sqrt(d) + mask, -1) @ vr)
    time_op("linear_q_768x768", lambda: F.linear(x, wq))
    time_op("linear_k_768x256", lambda: F.linear(x, wk))
    time_op("linear_gate_768x2048", lambda: F.linear(x, wg))
    hm = R(b, t, inter)
    time_op("linear_down_2048x768", lambda: F.linear(hm, wd))
    time_op("silu_mul", lambda: F.silu(hm) * hm)
    time_op("linear_o_768x768", lambda: F.linear(x, wo))
    time_op("lm_head_768x32000", lambda: F.linear(x, wh))
print(json.dumps({"impl": "pytorch", "bench": "micro", "dtype": a.dtype, "batch": b, "seq": t, "threads": a.threads, "ms": timings}))
