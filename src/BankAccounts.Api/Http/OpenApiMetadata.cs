using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace BankAccounts.Api.Http;

/// <summary>OpenAPI descriptions for what the endpoints do by hand (bodies are read by <see cref="JsonBody"/>).</summary>
internal static class OpenApiMetadata
{
    /// <summary>
    /// Documents a JSON request body, with an <paramref name="example"/> that succeeds as sent (the API page's
    /// "Test Request" sends it; ids in it and in the route are placeholders for the caller's own), and the
    /// command headers (<c>If-Match</c> only where the command targets one account's version).
    /// Deliberately not <c>Accepts&lt;T&gt;</c>: that would let routing answer content-type mismatches itself,
    /// while <see cref="JsonBody"/> owns those answers.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder, bool required, T? example = default, bool ifMatch = true, bool idempotencyKey = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken);
            // The example shows what to send: optional properties left out rather than sent as null.
            var json = new JsonSerializerOptions(context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
            {
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Description = $"JSON, at most {JsonBody.MaxBytes / 1024} KiB. Unknown properties, numbers as strings and missing required properties are rejected with 400.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = schema, Example = example is null ? null : JsonSerializer.SerializeToNode(example, json) },
                },
            };
            operation.Parameters ??= [];
            if (!idempotencyKey)
            {
                return;
            }
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = CommandHeaders.IdempotencyKeyHeader,
                In = ParameterLocation.Header,
                Required = false,
                Description = $"Makes a retry safe: the same key returns the original answer and changes nothing. 1 to {Domain.CommandId.MaxLength} printable ASCII characters.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            if (!ifMatch)
            {
                return;
            }
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "The version the account must be at, quoted (\"3\", as in the ETag) or bare (3); otherwise 412.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        });

    /// <summary>Documents a route value that is one of a closed set of <paramref name="values"/>.</summary>
    public static RouteHandlerBuilder WithRouteValues(this RouteHandlerBuilder builder, string name, IEnumerable<string> values) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == name && p.In == ParameterLocation.Path) is { } parameter)
            {
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)v)] };
            }
            return Task.CompletedTask;
        });

    /// <summary>Documents a query value the handler requires (it binds it as optional, to answer its own 400), with an example.</summary>
    public static RouteHandlerBuilder RequiresQuery(this RouteHandlerBuilder builder, string name, string example) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == name && p.In == ParameterLocation.Query) is { } parameter)
            {
                parameter.Required = true;
                parameter.Example = example;
            }
            return Task.CompletedTask;
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
