using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Platform.Inference.Models;

/// <summary>
/// Opens ONNX sessions on the configured device. <c>auto</c> asks for CUDA and falls back to the CPU
/// with a warning and the <c>platform.inference.device.fallbacks</c> metric; <c>cuda</c> throws
/// <see cref="CudaUnavailableException"/> so the service does not start on the wrong device.
/// </summary>
public sealed class OnnxSessionFactory(IOptions<InferenceOptions> options, ILogger<OnnxSessionFactory> logger)
{
    public const string CpuProvider = "cpu";
    public const string CudaProvider = "cuda";

    public (InferenceSession Session, string Provider) Open(ModelDescriptor model)
    {
        var settings = options.Value;
        if (settings.Device != ExecutionDevice.Cpu)
        {
            try
            {
                using var cudaOptions = CreateOptions(settings.Session);
                // Throws on a CPU-only ONNX Runtime build (no CUDA entry point) and when the CUDA
                // provider cannot load its libraries (no driver, no libcudart/cublas).
                cudaOptions.AppendExecutionProvider_CUDA(settings.Session.CudaDeviceId);
                return (new InferenceSession(model.OnnxPath!, cudaOptions), CudaProvider);
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                if (settings.Device == ExecutionDevice.Cuda)
                {
                    throw new CudaUnavailableException(
                        $"Inference:Device is 'cuda' but CUDA cannot be used for model '{model.Name}': {exception.Message} " +
                        "Install the CUDA 13 runtime, cuBLAS and the driver and build with -p:OnnxRuntimeFlavour=gpu, or set Inference:Device to 'auto' or 'cpu'.",
                        exception);
                }

                logger.LogWarning(
                    "CUDA is not available for model {ModelId} ({Reason}); running on the CPU. Set Inference:Device=cpu to skip the attempt",
                    model.Name, exception.Message);
                OnnxTelemetry.DeviceFallbacks.Add(1, new KeyValuePair<string, object?>("model", model.Name));
            }
        }

        using var cpuOptions = CreateOptions(settings.Session);
        return (new InferenceSession(model.OnnxPath!, cpuOptions), CpuProvider);
    }

    /// <summary>Whether a model on <paramref name="provider"/> runs through an IOBinding (Inference:Session:IoBinding).</summary>
    public bool UsesIoBinding(string provider) => options.Value.Session.IoBinding.ToLowerInvariant() switch
    {
        "auto" => provider == CudaProvider,
        "on" => true,
        "off" => false,
        _ => throw new InvalidOperationException($"Inference:Session:IoBinding is '{options.Value.Session.IoBinding}'; use auto, on or off."),
    };

    private static SessionOptions CreateOptions(OnnxSessionOptions session)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = session.GraphOptimization.ToLowerInvariant() switch
            {
                "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
                "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
                _ => throw new InvalidOperationException(
                    $"Inference:Session:GraphOptimization is '{session.GraphOptimization}'; use none, basic, extended or all."),
            },
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", session.AllowSpinning ? "1" : "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", session.AllowSpinning ? "1" : "0");
        if (session.IntraOpThreads > 0)
        {
            options.IntraOpNumThreads = session.IntraOpThreads;
        }

        if (session.InterOpThreads > 0)
        {
            options.InterOpNumThreads = session.InterOpThreads;
        }

        return options;
    }
}
