#!/usr/bin/python3
"""Forward-pass benchmark of the same random ~100M-parameter Llama as bench/ModelCompress.Bench, in PyTorch eager.

Written from scratch (no transformers): embedding, RMSNorm in fp32 then cast back, Hugging Face rotary layout
(rotate_half), GQA through repeat_interleave, causal attention, SwiGLU MLP, untied lm_head.
Attention uses F.scaled_dot_product_attention(is_causal=True) when torch has it (>= 2.0); Debian 12's torch 1.13.1 lacks
it, so there it is softmax(Q K^T / sqrt(d) + causal mask) V, computed in the model dtype. The "attention" field of the
JSON line says which ran.

Prints one JSON line: {"impl":"pytorch","dtype",...,"seconds":[...],"median_seconds","tokens_per_s","peak_rss_mb",...}
Run with Debian's interpreter: /usr/bin/python3 bench/python/forward.py --dtype fp32 --batch 8 --seq 512
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")

CONFIG = dict(vocab=32000, hidden=768, layers=12, heads=12, kv_heads=4, intermediate=2048, rope_theta=10000.0, eps=1e-5)


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x):
        x32 = x.float()
        normed = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * normed.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary_table(seq, head_dim, theta, dtype):
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
    freqs = torch.outer(torch.arange(seq, dtype=torch.float32), inv.float())  # (T, D/2)
    angles = torch.cat((freqs, freqs), dim=-1)  # (T, D)
    return angles.cos().to(dtype), angles.sin().to(dtype)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads = c["heads"], c["kv_heads"]
        self.head_dim = c["hidden"] // c["heads"]
        self.q_proj = nn.Linear(c["hidden"], self.heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(c["hidden"], self.kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(c["hidden"], self.kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c["hidden"], bias=False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)  # (B, H, T, D)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)  # (B, Hkv, T, D)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = self.heads // self.kv_heads
        if groups > 1:  # query head h reads kv head h // groups, as Hugging Face's repeat_kv
            k = k.repeat_interleave(groups, dim=1)
            v = v.repeat_interleave(groups, dim=1)
        if HAS_SDPA:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # (B, H, T, T)
            mask = torch.full((t, t), float("-inf"), dtype=scores.dtype).triu(1)
            y = torch.softmax(scores + mask, dim=-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c["hidden"], c["intermediate"], bias=False)
        self.up_proj = nn.Linear(c["hidden"], c["intermediate"], bias=False)
        self.down_proj = nn.Linear(c["intermediate"], c["hidden"], bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = Attention(c)
        self.mlp = Mlp(c)
        self.input_layernorm = RMSNorm(c["hidden"], c["eps"])
        self.post_attention_layernorm = RMSNorm(c["hidden"], c["eps"])

    def forward(self, x, cos, sin):
        h = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return h + self.mlp(self.post_attention_layernorm(h))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab"], c["hidden"])
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c["layers"]))
        self.norm = RMSNorm(c["hidden"], c["eps"])
        self.lm_head = nn.Linear(c["hidden"], c["vocab"], bias=False)

    def forward(self, ids):
        h = self.embed_tokens(ids)
        cos, sin = rotary_table(ids.shape[1], self.c["hidden"] // self.c["heads"], self.c["rope_theta"], h.dtype)
        for layer in self.layers:
            h = layer(h, cos, sin)
        return self.lm_head(self.norm(h))


def randomize(model, seed, std=0.02):
    """As ModelInitializer.Randomize: N(0, std) for matrices, ones for norms."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
            else:
                p.normal_(0.0, std, generator=g)


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dtype", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    dtype = torch.bfloat16 if a.dtype == "bf16" else torch.float32
    torch.manual_seed(a.seed)
    model = Llama(CONFIG)
    randomize(model, a.seed)
    model = model.to(dtype).eval()
    params = sum(p.numel() for p in model.parameters())
    ids = torch.randint(0, CONFIG["vocab"], (a.batch, a.seq), generator=torch.Generator().manual_seed(a.seed + 1))

    seconds, cpu_seconds = [], []
    with torch.inference_mode():
        for i in range(a.warmup + a.iters):
            start, cpu_start = time.perf_counter(), time.process_time()
            logits = model(ids)
            float(logits[0, -1, 0])
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            del logits
            if i >= a.warmup:
                seconds.append(elapsed)
                cpu_seconds.append(cpu)

    median = statistics.median(seconds)
    print(json.dumps({
        "impl": "pytorch", "dtype": a.dtype, "batch": a.batch, "seq": a.seq, "threads": a.threads, "params": params,
        "seconds": [round(s, 4) for s in seconds], "median_seconds": round(median, 4),
        "tokens_per_s": round(a.batch * a.seq / median, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu_seconds": [round(c, 3) for c in cpu_seconds],
        "torch_version": torch.__version__, "attention": "sdpa" if HAS_SDPA else "softmax(QK^T/sqrt(d)+mask)V",
    }))


if __name__ == "__main__":
    main()
