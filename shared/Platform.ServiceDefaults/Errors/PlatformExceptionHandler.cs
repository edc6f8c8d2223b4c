using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Errors;

/// <summary>
/// Turns exceptions into problem details: malformed bodies and oversize requests become 400/413
/// with the offending field; a database that refuses or cannot take the work now (too many
/// connections, pool exhausted, server unreachable, SQLite busy: a transient <see cref="DbException"/>)
/// a 503 with Retry-After, which clients retry; anything unexpected a 500 that names the trace id but no internals.
/// </summary>
public sealed class PlatformExceptionHandler(IProblemDetailsService problemDetails, ILogger<PlatformExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Type = ProblemTypes.PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = exception.Message,
            },
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Type = ProblemTypes.UnsupportedMediaType,
                Title = "The request body has an unsupported content type.",
                Detail = exception.Message,
            },
            BadHttpRequestException bad => Malformed(bad),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            _ when Transient(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.DependencyUnavailable,
                Title = "The service's database cannot take the request now.",
                Detail = "The database refused or lost the connection (overloaded or restarting); retry after the seconds in Retry-After.",
            },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemTypes.Internal,
                Title = "The service failed to handle the request.",
                Detail = "An unexpected error occurred; quote the trace id when reporting it.",
            },
        };

        if (problem is null)
        {
            // The client went away; there is nobody to answer.
            return true;
        }

        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        else
        {
            logger.LogInformation("Rejected {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, exception.Message);
        }

        context.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    // Npgsql and Microsoft.Data.Sqlite mark what may succeed on retry: connection refused or lost, too many clients,
    // pool timeout, SQLITE_BUSY. A write taken by key (transfer ids, idempotency keys) is applied once however often it
    // is retried, also when its connection was lost during the commit.
    private static bool Transient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true })
            {
                return true;
            }
        }

        return false;
    }

    private static ProblemDetails Malformed(BadHttpRequestException exception)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.MalformedRequest,
            Title = "The request could not be read.",
            Detail = exception.Message,
        };

        // A JSON error knows where it happened: report that path as the field.
        if (exception.InnerException is JsonException { Path: { } path } json)
        {
            var field = path.TrimStart('$', '.');
            field = field.Length == 0 ? "body" : field;
            // The serializer's own message names .NET types; say what the client can act on instead.
            var message = json.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "has the wrong JSON type for this field"
                : json.Message.Split(" Path: ", 2)[0];
            problem.Detail = $"'{field}' {message} (line {json.LineNumber + 1}, byte {json.BytePositionInLine}).";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        }

        return problem;
    }
}
