using TorchSharp;
using static TorchSharp.torch;
Console.WriteLine(string.Join(",", Enum.GetNames<DeviceType>()));
var meta = torch.device("meta");
var lin = nn.Linear(4096, 4096, hasBias:false, device: meta);
Console.WriteLine($"{lin.weight!.device} {lin.weight.shape[0]} {lin.weight.numel()}");
var x = torch.randn(2,3, dtype: ScalarType.BFloat16);
Console.WriteLine(x.dtype);
Console.WriteLine(torch.get_num_threads());
