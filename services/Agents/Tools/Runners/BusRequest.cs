using MassTransit;

namespace Platform.Agents.Tools.Runners;

/// <summary>
/// One request to another service over the bus, for a tool runner. A runner must return its failures as typed
/// results (<see cref="IToolRunner"/>), so the two ways a bus request fails without an answer become a transient
/// <see cref="ToolResult"/> naming the service and the request: a timeout (the service is busy, down or slow) and a
/// fault (its consumer threw). Both may pass, so another attempt is worth it. Only the request is covered: reading
/// the answer stays in the runner, where an exception is a bug rather than something to retry.
/// </summary>
public static class BusRequest
{
    /// <summary>
    /// Sends the request <paramref name="send"/> makes (with <paramref name="timeout"/> as its timeout) and returns its
    /// response, or, when it timed out or faulted, no response and the failure to return.
    /// </summary>
    /// <param name="service">The service asked, as it appears in the failure ("CadGenerator").</param>
    /// <param name="request">What was asked, as it appears in the failure ("the job submission").</param>
    public static async Task<(TResponse Response, ToolResult? Failure)> SendAsync<TResponse>(
        string service, string request, TimeSpan timeout, Func<RequestTimeout, Task<TResponse>> send)
    {
        try
        {
            // At least 1 ms: a zero RequestTimeout means "none given", which would fall back to the client's default.
            return (await send(RequestTimeout.After(ms: Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds)))), null);
        }
        catch (RequestTimeoutException)
        {
            return (default!, ToolResult.Transient($"{service} did not answer {request} within {Seconds(timeout)} s"));
        }
        catch (RequestFaultException fault)
        {
            return (default!, ToolResult.Transient($"{service} failed on {request}: {fault.Fault?.Exceptions.FirstOrDefault()?.Message ?? fault.Message}"));
        }
    }

    // "within 30 s"; a timeout cut short by a deadline keeps one decimal ("within 0.4 s"), the same in every culture.
    private static string Seconds(TimeSpan timeout) => FormattableString.Invariant($"{timeout.TotalSeconds:0.#}");
}
