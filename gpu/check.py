#!/usr/bin/env python3
"""The real-GPU check's measurements, run by check.sh once the tool loads the machine's libtorch.

stories260K logits on the CPU and on the device (fp32, and bf16 on the device), a random Llama-3.1-8B-shaped bf16 checkpoint
(tiny, same layer shape ratios, in the CPU dry run), a bf16 forward, a partial-heal step and an evaluation batch on it with
their peak memory beside `plan --json`'s estimate for the same config, then ONE JSON line of figures (also written to a file).
Needs python3 with torch and numpy; no transformers, no safetensors package, no network.
"""
import argparse
import json
import math
import os
import random
import shutil
import struct
import subprocess
import threading
import time

import numpy as np
import torch

TOLERANCE_FP32 = 1e-3
LLAMA31_8B = dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                  vocab_size=128256, rope_theta=500000.0, max_position_embeddings=131072)
# Same ratios as Llama-3.1-8B (MLP 3.5 x hidden, 4 query heads per KV head), small enough for a 2-core CPU.
TINY = dict(hidden_size=64, intermediate_size=224, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=1,
            vocab_size=512, rope_theta=500000.0, max_position_embeddings=2048)
HEAL = dict(method="partial", trainable_layers=3, batch_size=4, micro_batch_size=4, max_len=256, max_steps=1)
EVAL = dict(batch_size=8, window=256, limit=8)
WORDS = ("the a little girl boy dog cat saw big red ball park sun tree ran jumped happy sad friend mom dad home "
         "played found wanted said one day there was once upon time very loved to and with it but").split()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tool", required=True)
    p.add_argument("--libtorch", required=True)
    p.add_argument("--device", choices=["cuda", "cpu"], required=True)
    p.add_argument("--data", required=True, help="folder with stories260K.bin and tok512.model")
    p.add_argument("--work", required=True)
    p.add_argument("--result", required=True)
    p.add_argument("--shape", choices=["llama-3.1-8b", "tiny"], required=True)
    p.add_argument("--layers", type=int, default=None, help="decoder layers of the random checkpoint (default: the shape's)")
    p.add_argument("--doctor", required=True, help="doctor --json output of the chosen libtorch")
    p.add_argument("--binding", required=True, help="which binding loaded: bundled, bundled-overlay or compiled")
    p.add_argument("--binding-seconds", type=float, default=0.0)
    a = p.parse_args()
    started = time.time()
    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ, MODELCOMPRESS_LIBTORCH=a.libtorch, MODELCOMPRESS_CACHE=os.path.join(a.work, "cache"), CI="1")
    tool = Tool(a.tool, env, a.device, a.work)
    with open(a.doctor) as f:
        doctor = json.load(f)
    result = dict(check="modelcompress-gpu", mode="cuda" if a.device == "cuda" else "cpu-dry-run", ok=False, device=a.device,
                  gpu=gpu_name() if a.device == "cuda" else None, python_torch=torch.__version__,
                  libtorch=dict(dir=a.libtorch, version=doctor["libtorch"]["version"], backend=doctor["libtorch"]["backend"],
                                binding=a.binding, binding_seconds=round(a.binding_seconds, 1),
                                cuda_available=doctor["cuda"]["available"], cuda_version=doctor["cuda"]["cuda_version"]))
    problems = []
    if a.device == "cuda" and not doctor["cuda"]["available"]:
        problems.append(f"doctor: CUDA is not available with libtorch {doctor['libtorch']['version']} ({doctor['libtorch']['backend']})")
    try:
        result["stories260K"] = stories(tool, a, problems)
        shape = dict(LLAMA31_8B if a.shape == "llama-3.1-8b" else TINY)
        if a.layers:
            shape["num_hidden_layers"] = a.layers
        ckpt = os.path.join(a.work, "random-" + a.shape)
        result["checkpoint"] = make_checkpoint(ckpt, shape, a.shape, a.device)
        result["bf16_forward"] = bf16_forward(tool, ckpt, a, problems)
        heal_txt, eval_txt = write_texts(a.work)
        plan = plan_estimates(tool, ckpt, heal_txt, eval_txt, a, result["gpu"])
        result["plan"] = dict(target=plan["target"], verdict=plan["verdict"])
        result["partial_heal"] = heal(tool, ckpt, heal_txt, plan["heal"], a, problems)
        result["eval"] = evaluate(tool, ckpt, eval_txt, plan["eval"], a, problems)
    except Exception as e:  # the JSON line is written whatever failed, with what failed
        problems.append(f"{type(e).__name__}: {e}")
    result["problems"] = problems
    result["ok"] = not problems
    result["seconds"] = round(time.time() - started + a.binding_seconds, 1)
    line = json.dumps(result, separators=(",", ":"))
    with open(a.result + ".tmp", "w") as f:
        f.write(line + "\n")
    os.replace(a.result + ".tmp", a.result)
    print(line, flush=True)
    return 0 if result["ok"] else 1


class Tool:
    """Runs dotnet-compress verbs; each run's wall time and peak memory (GPU: nvidia-smi; CPU: the child's max RSS)."""

    def __init__(self, path, env, device, work):
        self.path, self.env, self.device, self.log = path, env, device, os.path.join(work, "tool.log")

    def run(self, *args, check=True):
        with open(self.log, "a") as log:
            log.write("$ dotnet-compress " + " ".join(args) + "\n")
            log.flush()
            baseline = gpu_used_bytes() if self.device == "cuda" else 0
            started = time.time()
            proc = subprocess.Popen([self.path, *args], env=self.env, stdout=subprocess.PIPE, stderr=log, text=True)
            sampler = GpuSampler(proc.pid, baseline) if self.device == "cuda" else None
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.time() - started
            peak = sampler.stop() if sampler else dict(peak_bytes=usage.ru_maxrss * 1024, peak_source="max RSS of the process")
            log.write(out + f"(exit {proc.returncode}, {seconds:.1f} s)\n")
        if check and proc.returncode != 0:
            raise RuntimeError(f"dotnet-compress {args[0]} exited {proc.returncode} (see {self.log})")
        return dict(rc=proc.returncode, out=out, seconds=round(seconds, 2), **peak)


class GpuSampler:
    """Samples nvidia-smi every 0.1 s: the process's used memory, and the device's used memory over the idle baseline."""

    def __init__(self, pid, baseline):
        self.pid, self.baseline, self.process, self.device, self.done = pid, baseline, 0, 0, threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while not self.done.is_set():
            self.process = max(self.process, process_gpu_bytes(self.pid))
            self.device = max(self.device, gpu_used_bytes() - self.baseline)
            self.done.wait(0.1)

    def stop(self):
        self.done.set()
        self.thread.join()
        if self.process > 0:
            return dict(peak_bytes=self.process, peak_source="nvidia-smi process used_memory", device_delta_bytes=self.device)
        return dict(peak_bytes=self.device, peak_source="nvidia-smi device memory.used over idle (process not listed)")


def smi(*query):
    try:
        return subprocess.run(["nvidia-smi", *query, "--format=csv,noheader,nounits"], capture_output=True, text=True,
                              timeout=10).stdout.strip().splitlines()
    except (OSError, subprocess.TimeoutExpired):
        return []


def gpu_used_bytes():
    lines = smi("--query-gpu=memory.used", "-i", "0")
    return int(float(lines[0])) * 1048576 if lines else 0


def process_gpu_bytes(pid):
    total = 0
    for line in smi("--query-compute-apps=pid,used_memory"):
        parts = [x.strip() for x in line.split(",")]
        if len(parts) == 2 and parts[0] == str(pid) and parts[1].isdigit():
            total += int(parts[1]) * 1048576
    return total


def gpu_name():
    lines = smi("--query-gpu=name,memory.total", "-i", "0")
    return lines[0] if lines else None


def plan_gpu(name):
    """The plan's GPU table name for nvidia-smi's name (None: the plan's default)."""
    if not name:
        return None
    n = name.upper()
    for key, table in (("H200", "H200"), ("H100", "H100-80GB"), ("L40S", "L40S"), ("A10G", "A10G"), ("4090", "RTX-4090")):
        if key in n:
            return table
    if "A100" in n:
        return "A100-80GB" if "80" in n else "A100-40GB"
    return "L4" if " L4" in n else None


def read_safetensors(path):
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    kinds = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, e in header.items():
        if name != "__metadata__":
            b, end = e["data_offsets"]
            out[name] = torch.from_numpy(np.frombuffer(data[b:end], dtype=kinds[e["dtype"]]).reshape(e["shape"]).copy())
    return out


def stories(tool, a, problems):
    model = os.path.join(a.work, "stories260K")
    shutil.rmtree(model, ignore_errors=True)
    tool.run("convert", "llama2c", "--checkpoint", os.path.join(a.data, "stories260K.bin"),
             "--tokenizer", os.path.join(a.data, "tok512.model"), "--out", model)
    prompt = "Once upon a time, there was a little girl named Lily. She loved to play outside"
    files = {}
    for key, device, dtype in (("cpu", "cpu", "fp32"), ("dev", a.device, "fp32"), ("bf16", a.device, "bf16")):
        files[key] = os.path.join(a.work, f"stories-{key}.safetensors")
        tool.run("logits", "--model", model, "--prompt", prompt, "--out", files[key], "--device", device, "--dtype", dtype)
    cpu, dev, bf16 = (read_safetensors(files[k])["logits"] for k in ("cpu", "dev", "bf16"))
    diff = float((cpu - dev).abs().max())
    if not diff <= TOLERANCE_FP32:
        problems.append(f"stories260K fp32 logits: {a.device} vs cpu max abs diff {diff:g} > {TOLERANCE_FP32:g}")
    bf16_diff = float((cpu - bf16).abs().max())
    agree = float((cpu.argmax(-1) == bf16.argmax(-1)).float().mean())
    if not math.isfinite(bf16_diff):
        problems.append("stories260K bf16 logits are not finite")
    return dict(tokens=cpu.shape[0], vocab=cpu.shape[1], fp32_max_abs_diff=diff, tolerance=TOLERANCE_FP32,
                bf16_max_abs_diff=bf16_diff, bf16_argmax_agreement=agree)


def make_checkpoint(folder, shape, name, device):
    """A random bf16 Llama checkpoint in the Hugging Face layout (sharded safetensors + index, config.json, tokenizer.json)."""
    started = time.time()
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    h, i, layers, vocab = shape["hidden_size"], shape["intermediate_size"], shape["num_hidden_layers"], shape["vocab_size"]
    kv = shape["num_key_value_heads"] * h // shape["num_attention_heads"]
    tensors = [("model.embed_tokens.weight", (vocab, h))]
    for n in range(layers):
        p = f"model.layers.{n}."
        tensors += [(p + "input_layernorm.weight", (h,)), (p + "post_attention_layernorm.weight", (h,)),
                    (p + "self_attn.q_proj.weight", (h, h)), (p + "self_attn.k_proj.weight", (kv, h)),
                    (p + "self_attn.v_proj.weight", (kv, h)), (p + "self_attn.o_proj.weight", (h, h)),
                    (p + "mlp.gate_proj.weight", (i, h)), (p + "mlp.up_proj.weight", (i, h)), (p + "mlp.down_proj.weight", (h, i))]
    tensors += [("model.norm.weight", (h,)), ("lm_head.weight", (vocab, h))]
    gen = torch.Generator(device=device).manual_seed(0)
    shards, current, size = [], [], 0
    for t in tensors:
        current.append(t)
        size += math.prod(t[1]) * 2
        if size >= 4 << 30:
            shards.append(current)
            current, size = [], 0
    if current:
        shards.append(current)
    weight_map, total = {}, 0
    for k, shard in enumerate(shards):
        file = f"model-{k + 1:05d}-of-{len(shards):05d}.safetensors"
        total += write_shard(os.path.join(folder, file), shard, gen, device)
        weight_map.update({n: file for n, _ in shard})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump(dict(metadata=dict(total_size=total), weight_map=weight_map), f)
    config = dict(architectures=["LlamaForCausalLM"], model_type="llama", hidden_act="silu", rms_norm_eps=1e-5, attention_bias=False,
                  tie_word_embeddings=False, bos_token_id=vocab - 2 if name == "tiny" else 128000,
                  eos_token_id=vocab - 1 if name == "tiny" else 128001, torch_dtype="bfloat16", **shape)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    write_tokenizer(folder, config["bos_token_id"], config["eos_token_id"])
    params = sum(math.prod(s) for _, s in tensors)
    return dict(shape=name, layers=layers, hidden=h, intermediate=i, vocab=vocab, parameters=params, bytes=total,
                shards=len(shards), write_seconds=round(time.time() - started, 1))


def write_shard(path, shard, gen, device):
    header, offset = {}, 0
    for name, shape in shard:
        n = math.prod(shape) * 2
        header[name] = dict(dtype="BF16", shape=list(shape), data_offsets=[offset, offset + n])
        offset += n
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for name, shape in shard:
            if name.endswith("norm.weight"):
                t = torch.ones(shape, dtype=torch.bfloat16)
            else:  # std 0.02 (Llama's initializer_range) keeps a random model's activations finite
                t = (torch.randn(shape, generator=gen, device=device) * 0.02).to(torch.bfloat16).cpu()
            f.write(memoryview(t.contiguous().view(torch.int16).numpy()))
    os.replace(path + ".tmp", path)
    return offset


def byte_alphabet():
    """GPT-2's byte-to-character map of byte-level BPE."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    chars, extra = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


def write_tokenizer(folder, bos, eos):
    """A byte-level BPE tokenizer.json with the 256 byte tokens and no merges (one token per byte), BOS/EOS as added tokens."""
    vocab = {c: b for b, c in byte_alphabet().items()}
    tokenizer = dict(version="1.0", model=dict(type="BPE", vocab=vocab, merges=[]),
                     added_tokens=[dict(id=bos, content="<|begin_of_text|>", special=True),
                                   dict(id=eos, content="<|end_of_text|>", special=True)],
                     pre_tokenizer=dict(type="ByteLevel", add_prefix_space=False, use_regex=True),
                     decoder=dict(type="ByteLevel"), normalizer=None)
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer, f)
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump(dict(bos_token="<|begin_of_text|>", eos_token="<|end_of_text|>"), f)


def write_texts(work):
    rng = random.Random(1)

    def text(n):
        words = []
        while sum(len(w) + 1 for w in words) < n:
            words.append(rng.choice(WORDS))
        return " ".join(words) + "\n"
    heal, ev = os.path.join(work, "heal.txt"), os.path.join(work, "eval.txt")
    with open(heal, "w") as f:  # 1 byte = 1 token: 8 windows of max_len, two optimizer steps' worth
        f.write(text(8 * HEAL["max_len"] + 64))
    with open(ev, "w") as f:
        f.write(text(EVAL["limit"] * EVAL["window"] + 64))
    return heal, ev


def bf16_forward(tool, ckpt, a, problems):
    out = os.path.join(a.work, "random-bf16.safetensors")
    run = tool.run("logits", "--model", ckpt, "--prompt", " ".join(WORDS), "--out", out, "--device", a.device, "--dtype", "bf16")
    logits = read_safetensors(out)["logits"]
    finite = bool(torch.isfinite(logits).all())
    if not finite:
        problems.append("bf16 forward of the random checkpoint gave non-finite logits")
    return dict(tokens=logits.shape[0], finite=finite, seconds=run["seconds"], peak_bytes=run["peak_bytes"],
                peak_source=run["peak_source"])


def plan_estimates(tool, ckpt, heal_txt, eval_txt, a, gpu):
    yaml = os.path.join(a.work, "pruning.yaml")
    table = plan_gpu(gpu) if a.device == "cuda" else None
    lines = ["name: gpu-check", "model:", f"  source: {ckpt}", "compute:", f"  device: {a.device}", "  dtype: bf16"]
    lines += [f"  gpu: {table}"] if table else []
    lines += ["stages:", "  - id: heal", "    type: finetune", f"    data: {heal_txt}", "    format: text", "    val_size: 0",
              "    warmup_steps: 0"] + [f"    {k}: {v}" for k, v in HEAL.items()]
    lines += ["  - id: eval", "    type: evaluate", f"    perplexity: [{eval_txt}]"] + [f"    {k}: {v}" for k, v in EVAL.items()]
    with open(yaml, "w") as f:
        f.write("\n".join(lines) + "\n")
    plan = json.loads(tool.run("plan", yaml, "--json", "--out", os.path.join(a.work, "runs"))["out"])
    steps = {s["id"]: s for s in plan["steps"]}
    return dict(target=plan["target"], verdict=plan["verdict"]["text"], heal=steps["heal"]["estimate"],
                eval=steps["eval (candidate)"]["estimate"])


def compare(run, estimate):
    planned = estimate["peak_bytes"]
    return dict(seconds=run["seconds"], peak_bytes=run["peak_bytes"], peak_source=run["peak_source"], plan_peak_bytes=planned,
                plan_seconds=round(estimate["seconds"], 3), measured_over_plan=round(run["peak_bytes"] / planned, 3) if planned else None)


def heal(tool, ckpt, heal_txt, estimate, a, problems):
    out = os.path.join(a.work, "healed")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out + ".checkpoint", ignore_errors=True)
    run = tool.run("finetune", "--model", ckpt, "--out", out, "--data", heal_txt, "--format", "text", "--template", "none",
                   "--method", HEAL["method"], "--trainable-layers", str(HEAL["trainable_layers"]), "--batch-size",
                   str(HEAL["batch_size"]), "--micro-batch-size", str(HEAL["micro_batch_size"]), "--max-len", str(HEAL["max_len"]),
                   "--max-steps", str(HEAL["max_steps"]), "--val-size", "0", "--warmup-steps", "0", "--device", a.device,
                   "--dtype", "bf16")
    with open(os.path.join(out, "finetune.json")) as f:
        report = json.load(f)
    losses = [p["train_loss"] for p in report.get("loss_curve", [])]
    if not losses or not all(math.isfinite(x) for x in losses):
        problems.append(f"partial heal: loss curve {losses}")
    shutil.rmtree(out, ignore_errors=True)  # an 8B export is 16 GB: free the disk for what follows
    shutil.rmtree(out + ".checkpoint", ignore_errors=True)
    return dict(compare(run, estimate), steps=report.get("steps"), trainable_parameters=report.get("trainable_parameters"),
                loss=losses[-1] if losses else None, tokens_per_second=report.get("tokens_per_second"))


def evaluate(tool, ckpt, eval_txt, estimate, a, problems):
    results = os.path.join(a.work, "eval", "results.json")
    os.makedirs(os.path.dirname(results), exist_ok=True)
    run = tool.run("eval", "--model", ckpt, "--perplexity", eval_txt, "--window", str(EVAL["window"]), "--batch-size",
                   str(EVAL["batch_size"]), "--limit", str(EVAL["limit"]), "--output", results, "--device", a.device, "--dtype", "bf16")
    with open(results) as f:
        scores = next(iter(json.load(f)["results"].values()))
    ppl = scores.get("token_perplexity,none")
    if not (isinstance(ppl, (int, float)) and math.isfinite(ppl)):
        problems.append(f"evaluation: token perplexity {ppl}")
    return dict(compare(run, estimate), token_perplexity=ppl, windows=EVAL["limit"], window=EVAL["window"])


if __name__ == "__main__":
    raise SystemExit(main())
