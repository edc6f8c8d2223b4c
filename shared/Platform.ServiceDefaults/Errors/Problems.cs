using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Platform.ServiceDefaults.Errors;

/// <summary>
/// Problem-details results with the platform's stable types. The trace id is added to every
/// problem by the problem-details service (see <see cref="ServiceDefaultsExtensions"/>).
/// </summary>
public static class Problems
{
    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            title: "The request is not valid.",
            detail: string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
            type: ProblemTypes.Validation);

    public static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: $"The {what} was not found.",
            detail: $"No {what} '{id}' exists for this account.",
            type: ProblemTypes.NotFound);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "This key may not do that.",
            detail: detail,
            type: ProblemTypes.Forbidden);

    public static ProblemHttpResult Conflict(string type, string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, type: type);

    public static ProblemHttpResult Status(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, type: type, extensions: extensions);
}
