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

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads spin after a run, waiting for the next. Off by default:
    /// between short runs the spinning threads burn the cores the HTTP stack needs (profiled: a
    /// fifth of the embeddings service's CPU went to the spin loop at 32 clients on 2 cores).
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// <c>auto</c> (IOBinding when the model runs on CUDA), <c>on</c> or <c>off</c>. With IOBinding the
    /// output is bound to CPU memory, so CUDA copies it back into the tensor the service reads.
    /// </summary>
    public string IoBinding { get; set; } = "auto";

    /// <summary>CUDA device ordinal when the device is <c>cuda</c> or <c>auto</c>.</summary>
    public int CudaDeviceId { get; set; }
}
