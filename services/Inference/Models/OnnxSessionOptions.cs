namespace Platform.Inference.Models;

/// <summary><c>Inference:Session</c>: ONNX Runtime session options applied to every model.</summary>
public sealed class OnnxSessionOptions
{
    /// <summary>Threads one graph run may use; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent graph nodes; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; set; }

    /// <summary><c>none</c> | <c>basic</c> | <c>extended</c> | <c>all</c>.</summary>
    public string GraphOptimization { get; set; } = "all";

    /// <summary>CUDA device ordinal when the device is <c>cuda</c> or <c>auto</c>.</summary>
    public int CudaDeviceId { get; set; }
}
