using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>Element types of safetensors files, declared in the order the reference writer ranks them.</summary>
public enum TensorDType { BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 }

/// <summary>Sizes, names and torch equivalents of <see cref="TensorDType"/>.</summary>
public static class TensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this TensorDType dtype) => dtype switch
    {
        TensorDType.BOOL or TensorDType.U8 or TensorDType.I8 => 1,
        TensorDType.I16 or TensorDType.U16 or TensorDType.F16 or TensorDType.BF16 => 2,
        TensorDType.I32 or TensorDType.U32 or TensorDType.F32 => 4,
        _ => 8,
    };

    public static bool IsFloatingPoint(this TensorDType dtype) =>
        dtype is TensorDType.F16 or TensorDType.BF16 or TensorDType.F32 or TensorDType.F64;

    public static bool TryParse(string name, out TensorDType dtype) =>
        Enum.TryParse(name, ignoreCase: false, out dtype) && Enum.IsDefined(dtype);

    public static ScalarType ToScalarType(this TensorDType dtype) => dtype switch
    {
        TensorDType.BOOL => ScalarType.Bool,
        TensorDType.U8 => ScalarType.Byte,
        TensorDType.I8 => ScalarType.Int8,
        TensorDType.I16 => ScalarType.Int16,
        TensorDType.F16 => ScalarType.Float16,
        TensorDType.BF16 => ScalarType.BFloat16,
        TensorDType.I32 => ScalarType.Int32,
        TensorDType.F32 => ScalarType.Float32,
        TensorDType.F64 => ScalarType.Float64,
        TensorDType.I64 => ScalarType.Int64,
        _ => throw new NotSupportedException($"safetensors dtype {dtype} has no TorchSharp equivalent"),
    };

    public static TensorDType FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Bool => TensorDType.BOOL,
        ScalarType.Byte => TensorDType.U8,
        ScalarType.Int8 => TensorDType.I8,
        ScalarType.Int16 => TensorDType.I16,
        ScalarType.Float16 => TensorDType.F16,
        ScalarType.BFloat16 => TensorDType.BF16,
        ScalarType.Int32 => TensorDType.I32,
        ScalarType.Float32 => TensorDType.F32,
        ScalarType.Float64 => TensorDType.F64,
        ScalarType.Int64 => TensorDType.I64,
        _ => throw new NotSupportedException($"{type} cannot be stored in safetensors by this tool"),
    };

    /// <summary>The Hugging Face <c>torch_dtype</c> name ("float32", "bfloat16", …).</summary>
    public static string TorchDtypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        ScalarType.Float64 => "float64",
        _ => type.ToString().ToLowerInvariant(),
    };
}
