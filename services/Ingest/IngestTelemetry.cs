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
}
