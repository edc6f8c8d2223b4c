using System.Text.Json;
using Platform.ServiceDefaults.Errors;

namespace Platform.Inference.Api;

/// <summary>Reads a request body as a JSON document, or the problem to answer instead (415, malformed 400).</summary>
public static class JsonBody
{
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
                "The request body has an unsupported content type.", "Send the request as 'Content-Type: application/json'."));
        }

        try
        {
            var document = await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 16 }, context.RequestAborted);
            return (document, null);
        }
        catch (JsonException exception)
        {
            var message = exception.Message.Split(" Path: ", 2)[0].Split(" LineNumber: ", 2)[0];
            return (null, Problems.Status(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "The request could not be read.",
                $"The body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine}): {message}",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = ["is not valid JSON"] } }));
        }
    }
}
