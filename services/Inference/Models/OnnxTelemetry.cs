using System.Diagnostics.Metrics;

namespace Platform.Inference.Models;

/// <summary>Metrics of the ONNX models: device choice, dynamic batching, compute, tokens (on <see cref="InferenceTelemetry.Meter"/>).</summary>
public static class OnnxTelemetry
{
    private static Meter Meter => InferenceTelemetry.Meter;

    public static readonly Counter<long> DeviceFallbacks = Meter.CreateCounter<long>(
        "platform.inference.device.fallbacks", unit: "{model}", description: "Models that asked for CUDA (Inference:Device=auto) and run on the CPU instead.");

    public static readonly Histogram<double> QueueTime = Meter.CreateHistogram<double>(
        "platform.inference.batch.queue_time", unit: "s", description: "How long an input waited in its model's queue before its batch ran.");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "platform.inference.batch.size", unit: "{sequence}", description: "Sequences per ONNX run.");

    public static readonly Histogram<double> ComputeTime = Meter.CreateHistogram<double>(
        "platform.inference.batch.compute_time", unit: "s", description: "Time of one ONNX run (one batch), padding and output copy included.");

    public static readonly Counter<long> QueueRejections = Meter.CreateCounter<long>(
        "platform.inference.batch.rejected", unit: "{request}", description: "Requests refused with 429 because the model's queue was full.");

    public static readonly Counter<long> DeadlineExceeded = Meter.CreateCounter<long>(
        "platform.inference.batch.deadline_exceeded", unit: "{sequence}", description: "Inputs dropped from the queue because their request's deadline had passed.");

    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "platform.inference.tokens", unit: "{token}", description: "Input tokens computed by ONNX models (after truncation).");

    public static readonly Counter<long> TruncatedInputs = Meter.CreateCounter<long>(
        "platform.inference.inputs.truncated", unit: "{input}", description: "Inputs cut to the model's maxSequenceLength (Inference:Truncation=truncate).");
}
