namespace Platform.Inference.Models;

/// <summary><c>Inference:Device</c>: where ONNX sessions run.</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when it loads, otherwise the CPU (with a warning and a metric).</summary>
    Auto,

    /// <summary>The CPU provider only.</summary>
    Cpu,

    /// <summary>CUDA or nothing: the service refuses to start when CUDA cannot load.</summary>
    Cuda,
}
