using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Platform.Contracts.CadGenerator;

namespace Platform.Agents.Tools.Runners;

/// <summary>
/// <c>cad.generate</c>: submits a job to CadGenerator over the bus (SubmitCadJob) and follows it (GetCadJob) until
/// its STL is validated or it fails. The job is paid from the run's reservation: CadGenerator meters the render (and
/// its designer's tokens) against it and reports the full charge, which is the step's cost, and the run's capture
/// settles it, so the account pays once, within the run's budget. The job is keyed by step: an attempt after a timeout or a crash finds
/// the job the first attempt submitted instead of making a second one.
/// </summary>
public sealed class CadGenerateRunner(IScopedClientFactory clients, ILogger<CadGenerateRunner> logger) : IToolRunner
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestRequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinimumRequestTimeout = TimeSpan.FromMilliseconds(100);

    public bool Runs(ToolDefinition tool) => tool.BuiltIn && tool.Name == BuiltInTools.CadGenerate;

    public async Task<ToolResult> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var input = call.Input;
        var prompt = input.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var template = input.TryGetProperty("template", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        Dictionary<string, double>? parameters = null;
        if (input.TryGetProperty("parameters", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            parameters = values.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetDouble());
        }

        if (call.ReservationId is null || call.EstimatedCost <= 0)
        {
            return ToolResult.Permanent("cad.generate is paid from the run's reservation and the step has none (or an estimated cost of 0)");
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(call.Tool.TimeoutSeconds * (double)Stopwatch.Frequency);
        var submit = clients.CreateRequestClient<SubmitCadJob>();
        var (submitted, submitFailure) = await BusRequest.SendAsync("CadGenerator", "the job submission", RequestTimeoutBefore(deadline),
            timeout => submit.GetResponse<CadJobAccepted, CadJobRejected>(new SubmitCadJob(call.AccountId, call.StepKey, prompt, template,
                parameters, new CadJobFunding(call.ReservationId, call.EstimatedCost, call.RunId.ToString())), cancellationToken, timeout));
        if (submitFailure is not null)
        {
            return submitFailure;
        }

        if (submitted.Is(out Response<CadJobRejected>? rejected))
        {
            return ToolResult.Permanent($"CadGenerator refused the job ({rejected.Message.Reason}): {rejected.Message.Detail}");
        }

        submitted.Is(out Response<CadJobAccepted>? accepted);
        var jobId = accepted!.Message.JobId;
        logger.LogInformation("Run {RunId} step {StepIndex} attempt {Attempt}: CAD job {JobId} {Action}", call.RunId, call.StepIndex, call.Attempt,
            jobId, accepted.Message.Replayed ? "found from an earlier attempt" : "submitted");

        var poll = clients.CreateRequestClient<GetCadJob>();
        var wait = FirstPoll;
        string? state = null;
        ToolResult? lastPollFailure = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(wait, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestPoll.Ticks));
            var (polled, pollFailure) = await BusRequest.SendAsync("CadGenerator", $"the status request for CAD job {jobId}", RequestTimeoutBefore(deadline),
                timeout => poll.GetResponse<CadJobStatus>(new GetCadJob(call.AccountId, jobId), cancellationToken, timeout));
            if (pollFailure is not null)
            {
                // One unanswered (or faulted) status request says nothing about the job, which goes on: ask again
                // until the deadline, and say why if the job could not be followed to its end.
                lastPollFailure = pollFailure;
                continue;
            }

            lastPollFailure = null;
            var status = polled.Message;
            if (!status.Found)
            {
                return ToolResult.Permanent($"CadGenerator no longer knows CAD job {jobId}");
            }

            state = status.State;
            if (state == "done")
            {
                return ToolResult.MeteredSuccess(Output(status), status.Charged);
            }

            if (state == "failed")
            {
                return ToolResult.Permanent($"CAD job {jobId} failed at {status.FailedStep}: {status.FailureReason}");
            }
        }

        // The job goes on; the next attempt (same step key) follows the same job rather than submitting another.
        var lastPoll = lastPollFailure is null ? "" : $" (last status request: {lastPollFailure.Error})";
        return ToolResult.Transient($"CAD job {jobId} was still {state ?? "queued"} after {call.Tool.TimeoutSeconds} s{lastPoll}");
    }

    /// <summary>
    /// A request's timeout: 30 s, cut to the time left before the tool's deadline so that a request made late does not
    /// keep the step past its timeout (at least 100 ms: a shorter wait could not be answered anyway).
    /// </summary>
    private static TimeSpan RequestTimeoutBefore(long deadline)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        return TimeSpan.FromTicks(Math.Clamp(left.Ticks, MinimumRequestTimeout.Ticks, LongestRequestTimeout.Ticks));
    }

    private static JsonObject Output(CadJobStatus status) => new()
    {
        ["jobId"] = status.JobId,
        ["state"] = status.State,
        ["templateId"] = status.TemplateId,
        ["parameters"] = status.Parameters is null
            ? null
            : new JsonObject(status.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        ["triangles"] = status.Triangles,
        ["volume"] = status.Volume,
        ["renderMilliseconds"] = status.RenderMilliseconds,
        ["chargedMicroCredits"] = status.Charged,
        ["stl"] = $"/v1/cad/jobs/{status.JobId}/model.stl",
        ["scad"] = $"/v1/cad/jobs/{status.JobId}/model.scad",
        ["notes"] = new JsonArray([.. status.Notes.Select(n => (JsonNode?)JsonValue.Create(n))]),
    };
}
