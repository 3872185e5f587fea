using System.Reflection;
using TorchSharp;
foreach (var p in typeof(ThreadDisposeScopeStatistics).GetProperties()) Console.WriteLine(p);
foreach (var p in typeof(TorchSharp.Utils.ComponentNameAttribute).GetProperties()) Console.WriteLine(p);
foreach (var m in typeof(torch.Tensor).GetMethods().Where(m => m.Name is "repeat_interleave" or "view" or "reshape" or "DetachFromDisposeScope" or "MoveToOuterDisposeScope")) Console.WriteLine(m);
foreach (var m in typeof(torch).GetMethods().Where(m => m.Name is "set_num_threads" or "inference_mode" or "no_grad" or "manual_seed" or "multinomial")) Console.WriteLine(m);
