namespace CallbackPipeline.Core.Events;

/// <summary>A record of a batch format that could not be used, with its position and why.</summary>
/// <param name="Index">The record's position among all records of the request, counted from 0 across groups.</param>
/// <param name="Error">What is wrong with it.</param>
public sealed record UnprocessedItem(int Index, string Error);
