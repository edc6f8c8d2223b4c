using System.Diagnostics;

namespace Platform.Inference.Upstream;

/// <summary>An open upstream stream whose first event has arrived; the relay reads the rest.</summary>
public sealed class UpstreamStream(UpstreamRoute route, HttpResponseMessage response, SseReader reader, SseEvent first, long startedTimestamp) : IDisposable
{
    public UpstreamRoute Route { get; } = route;

    public SseEvent First { get; } = first;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(startedTimestamp);

    /// <summary>The next event, or null at the end; fails with a timeout when the upstream is silent longer than the route's timeout.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(Route.Timeout);
        try
        {
            return await reader.ReadAsync(idle.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamFailureException(UpstreamFailureKind.Timeout, Route.Name, null,
                $"The upstream sent nothing for {Route.Timeout.TotalMilliseconds:0} ms in the middle of a stream.", exception);
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
