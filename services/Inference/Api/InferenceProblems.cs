using System.Globalization;
using Platform.Contracts.Inference;
using Platform.Inference.Models;
using Platform.ServiceDefaults.Errors;

namespace Platform.Inference.Api;

/// <summary>HTTP answers for <see cref="InferenceFailure"/> reasons (the bus sends the same reasons in InferenceRejected).</summary>
public static class InferenceProblems
{
    /// <summary>Stable type for a request whose deadline (Inference:Batching:RequestTimeoutMs) passed while queued.</summary>
    public const string DeadlineExceeded = "urn:platform:problem:deadline-exceeded";

    public static IResult From(InferenceFailure failure, HttpContext context)
    {
        switch (failure.Reason)
        {
            case InferenceRejectionReasons.ModelNotFound:
                return Problems.NotFound("model", "", failure.Message);
            case InferenceRejectionReasons.Invalid or InferenceRejectionReasons.InputTooLong or InferenceRejectionReasons.WrongModelKind:
                return Problems.Validation(failure.Errors ?? new Dictionary<string, string[]> { ["body"] = [failure.Message] });
            case InferenceRejectionReasons.Overloaded:
                var seconds = (int)Math.Ceiling((failure.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Status(StatusCodes.Status429TooManyRequests, ProblemTypes.RateLimited, "The model is busy.", failure.Message,
                    new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
            case InferenceRejectionReasons.DeadlineExceeded:
                context.Response.Headers.RetryAfter = "1";
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, DeadlineExceeded, "The request was not computed in time.", failure.Message);
            default:
                return Problems.Status(StatusCodes.Status503ServiceUnavailable, ProblemTypes.DependencyUnavailable, "The model is not available.", failure.Message);
        }
    }
}
