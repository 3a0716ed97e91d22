using Microsoft.OpenApi;

namespace BankAccounts.Api.Http;

/// <summary>OpenAPI descriptions for what the endpoints do by hand (bodies are read by <see cref="JsonBody"/>).</summary>
internal static class OpenApiMetadata
{
    /// <summary>
    /// Documents a JSON request body. Deliberately not <c>Accepts&lt;T&gt;</c>: that would let routing
    /// answer content-type mismatches itself, while <see cref="JsonBody"/> owns those answers.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, bool required) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Description = $"JSON, at most {JsonBody.MaxBytes / 1024} KiB. Unknown properties, numbers as strings and missing required properties are rejected with 400.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = CommandHeaders.IdempotencyKeyHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Makes a retry safe: the same key returns the original answer and changes nothing. 1 to 128 printable ASCII characters.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "The version the account must be at, quoted (\"3\", as in the ETag) or bare (3); otherwise 412.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        });

    public static RouteHandlerBuilder ProducesCommandProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
