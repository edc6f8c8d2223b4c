using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Retrieval;

/// <summary>Retrieval's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class RetrievalTelemetry
{
    public const string Name = "Platform.Retrieval";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> PointsUpserted = Meter.CreateCounter<long>(
        "platform.retrieval.points.upserted", unit: "{point}", description: "Points inserted or replaced.");

    public static readonly Counter<long> PointsDeleted = Meter.CreateCounter<long>(
        "platform.retrieval.points.deleted", unit: "{point}", description: "Points removed by document deletes (DeleteDocumentChunks).");

    public static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>(
        "platform.retrieval.search.duration", unit: "ms", description: "Time to answer one vector search, by index backend.");

    public static readonly Histogram<long> PointsScanned = Meter.CreateHistogram<long>(
        "platform.retrieval.search.points_scanned", unit: "{point}", description: "Points scored by one search.");

    public static readonly Histogram<double> HybridSearchDuration = Meter.CreateHistogram<double>(
        "platform.retrieval.query.duration", unit: "ms", description: "Time to answer one POST /v1/search or SearchChunks, by mode.");
}
