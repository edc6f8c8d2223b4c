using Platform.Benchmarks.Framework;

namespace Platform.Benchmarks.Scenarios.Bus;

/// <summary>A request/response stack under test: a responder plus callers that each make one round trip at a time.</summary>
public interface IRoundTripTarget : IAsyncDisposable
{
    /// <summary>A new caller; callers do not share per-call state, so they can run concurrently.</summary>
    Task<Operation> CreateCallerAsync(CancellationToken cancellationToken);
}
