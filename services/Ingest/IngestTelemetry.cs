using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Ingest;

/// <summary>Ingest's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class IngestTelemetry
{
    public const string Name = "Platform.Ingest";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> DocumentsSubmitted = Meter.CreateCounter<long>(
        "platform.ingest.documents.submitted", unit: "{document}", description: "Accepted submissions, by outcome (created or duplicate).");

    public static readonly Counter<long> ChunksCreated = Meter.CreateCounter<long>(
        "platform.ingest.chunks.created", unit: "{chunk}", description: "Chunks cut from newly stored documents.");

    public static readonly Histogram<double> ChunkingDuration = Meter.CreateHistogram<double>(
        "platform.ingest.chunking.duration", unit: "ms", description: "Time to chunk one document.");

    public static readonly Counter<long> DocumentsFinished = Meter.CreateCounter<long>(
        "platform.ingest.documents.finished", unit: "{document}", description: "Documents whose ingestion ended, by state (indexed or failed).");

    public static readonly Counter<long> DocumentsFailed = Meter.CreateCounter<long>(
        "platform.ingest.documents.failed", unit: "{document}", description: "Failed ingestions, by the step that failed.");

    public static readonly Histogram<double> TimeToFinished = Meter.CreateHistogram<double>(
        "platform.ingest.document.duration", unit: "s", description: "Submission to the end of ingestion, by final state.");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "platform.ingest.batch.duration", unit: "ms", description: "Time a worker took for one batch, by step (embed or upsert).");

    public static readonly Counter<long> EmbeddingTokens = Meter.CreateCounter<long>(
        "platform.ingest.embedding.tokens", unit: "{token}", description: "Tokens of chunks embedded through Inference.");

    public static readonly Counter<long> TruncatedChunks = Meter.CreateCounter<long>(
        "platform.ingest.embedding.truncated", unit: "{chunk}", description: "Chunks Inference cut to its model's window (their end is not embedded): should stay 0 when chunks are measured in tokens.");

    public static readonly Counter<long> Charged = Meter.CreateCounter<long>(
        "platform.ingest.charged", unit: "{micro-credit}", description: "Micro-credits Billing charged for ingestion.");
}
