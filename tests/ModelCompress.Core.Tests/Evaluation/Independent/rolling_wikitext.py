"""An independent reference for the harness's `wikitext` perplexity on a llama2.c checkpoint, with PyTorch and SentencePiece.

It shares no code with the tool: it reads the llama2.c .bin itself (adjacent-pair RoPE, as llama2.c), tokenizes with the
SentencePiece library, builds each document's rolling windows from its own formulation (predict the next max_length
positions of [BOS] + tokens, each with the max_length tokens before its end as input) and prints one JSON object.
Usage: rolling_wikitext.py CHECKPOINT TOKENIZER WIKI_TEST_RAW LIMIT
"""
import json
import math
import re
import struct
import sys

import sentencepiece
import torch


def load(path):
    with open(path, "rb") as f:
        dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("7i", f.read(28))
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    shared, vocab = vocab > 0, abs(vocab)
    head = dim // heads
    offset = 0

    def take(*shape):
        nonlocal offset
        n = math.prod(shape)
        t = data[offset:offset + n].view(*shape)
        offset += n
        return t

    w = {"emb": take(vocab, dim), "attn_norm": take(layers, dim), "wq": take(layers, dim, dim),
         "wk": take(layers, kv_heads * head, dim), "wv": take(layers, kv_heads * head, dim), "wo": take(layers, dim, dim),
         "ffn_norm": take(layers, dim), "w1": take(layers, hidden, dim), "w2": take(layers, dim, hidden),
         "w3": take(layers, hidden, dim), "norm": take(dim)}
    take(seq_len * head // 2)
    take(seq_len * head // 2)
    w["out"] = w["emb"] if shared else take(vocab, dim)
    return w, dict(dim=dim, layers=layers, heads=heads, kv_heads=kv_heads, seq_len=seq_len, head=head)


def rms(x, weight):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * weight


def rotate(x, cos, sin):
    # x: (B, T, H, D); llama2.c rotates adjacent pairs (2i, 2i+1) by angle pos * theta_i.
    pairs = x.view(*x.shape[:-1], -1, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), -1).flatten(-2)


def log_probs(w, c, ids):
    b, t = ids.shape
    h = w["emb"][ids]
    freqs = 1.0 / (10000.0 ** (torch.arange(0, c["head"], 2, dtype=torch.float32) / c["head"]))
    angles = torch.outer(torch.arange(t, dtype=torch.float32), freqs)[None, :, None, :]
    cos, sin = angles.cos(), angles.sin()
    causal = torch.full((t, t), float("-inf")).triu(1)
    group = c["heads"] // c["kv_heads"]
    for l in range(c["layers"]):
        x = rms(h, w["attn_norm"][l])
        q = rotate((x @ w["wq"][l].T).view(b, t, c["heads"], c["head"]), cos, sin)
        k = rotate((x @ w["wk"][l].T).view(b, t, c["kv_heads"], c["head"]), cos, sin)
        v = (x @ w["wv"][l].T).view(b, t, c["kv_heads"], c["head"])
        k, v = k.repeat_interleave(group, 2), v.repeat_interleave(group, 2)
        scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(c["head"]) + causal
        out = torch.einsum("bhqk,bkhd->bqhd", scores.softmax(-1), v).reshape(b, t, -1)
        h = h + out @ w["wo"][l].T
        x = rms(h, w["ffn_norm"][l])
        h = h + (torch.nn.functional.silu(x @ w["w1"][l].T) * (x @ w["w3"][l].T)) @ w["w2"][l].T
    return (rms(h, w["norm"]) @ w["out"].T).log_softmax(-1)


def pages(text):
    """Pages of the document-level WikiText: a new page at each top-level heading; whitespace-only pages dropped but the last."""
    out, current = [], []
    for line in text.split("\n"):
        head = line.replace("= = =", "===").replace("= =", "==").strip()
        if head.startswith("= ") and head.endswith(" ="):
            if "\n".join(current).strip():
                out.append("\n".join(current))
            current = []
        current.append(line)
    out.append("\n".join(current))
    return out


def detokenize(s):
    for a, b in [("s '", "s'")]:
        s = s.replace(a, b)
    s = re.sub(r"/' [0-9]/", r"/'[0-9]/", s)
    for a, b in [(" @-@ ", "-"), (" @,@ ", ","), (" @.@ ", "."), (" : ", ": "), (" ; ", "; "), (" . ", ". "), (" ! ", "! "),
                 (" ? ", "? "), (" , ", ", ")]:
        s = s.replace(a, b)
    for open_, close in ["()", "[]", "{}"]:
        o, c = re.escape(open_), re.escape(close)
        s = re.sub(o + r"\s*([^" + c + r"]*?)\s*" + c, open_ + r"\1" + close, s)
    s = re.sub(r"\"\s*([^\"]*?)\s*\"", r'"\1"', s)
    s = re.sub(r"'\s*([^']*?)\s*'", r"'\1'", s)
    for a, b in [("= = = =", "===="), ("= = =", "==="), ("= =", "=="), (" \u00b0 ", "\u00b0"), (" \n", "\n"), ("\n ", "\n"),
                 (" N ", " 1 "), (" 's", "'s")]:
        s = s.replace(a, b)
    return s


def main():
    checkpoint, tokenizer, text_file, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    torch.set_num_threads(1)
    w, c = load(checkpoint)
    sp = sentencepiece.SentencePieceProcessor(model_file=tokenizer)
    with open(text_file, encoding="utf-8") as f:
        docs = pages(f.read())[:limit]
    length = c["seq_len"]
    out = []
    with torch.no_grad():
        for page in docs:
            tokens = sp.encode(detokenize(page))
            seq = [sp.bos_id()] + tokens
            total, windows = 0.0, 0
            for start in range(1, len(seq), length):
                end = min(start + length, len(seq))  # predict seq[start:end]
                first = max(0, end - 1 - length)
                ids = torch.tensor([seq[first:end - 1]])
                lp = log_probs(w, c, ids)[0].double()
                targets = torch.tensor(seq[first + 1:end])
                picked = lp.gather(1, targets[:, None])[:, 0]
                total += picked[-(end - start):].sum().item()
                windows += 1
            out.append({"loglikelihood": total, "tokens": len(tokens), "windows": windows,
                        "words": len(re.split(r"\s+", page)), "bytes": len(page.encode("utf-8")),
                        "first_ids": tokens[:32]})
    ll = sum(d["loglikelihood"] for d in out)
    words, nbytes = sum(d["words"] for d in out), sum(d["bytes"] for d in out)
    print(json.dumps({"documents": out, "word_perplexity": math.exp(-ll / words), "byte_perplexity": math.exp(-ll / nbytes),
                      "bits_per_byte": -ll / nbytes / math.log(2)}))


main()
