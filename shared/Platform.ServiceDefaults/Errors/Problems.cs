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

    /// <summary>404 for an account's resource; another account's id answers exactly the same.</summary>
    public static ProblemHttpResult NotFound(string what, string id) => NotFound(what, id, $"No {what} '{id}' exists for this account.");

    /// <summary>404 with a detail of the caller's choosing (e.g. for resources shared by all accounts).</summary>
    public static ProblemHttpResult NotFound(string what, string id, string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: $"The {what} was not found.",
            detail: detail,
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
