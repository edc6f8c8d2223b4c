namespace Platform.Inference.Models;

/// <summary>Inference:Device is <c>cuda</c> and CUDA cannot load: the service must not start.</summary>
public sealed class CudaUnavailableException(string message, Exception inner) : Exception(message, inner);
