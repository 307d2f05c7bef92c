// Prompts, tokenizer, text encoder and guidance against hand-worked cases.
using Workbook.Conditioning;
using Workbook.Runtime;

namespace Workbook.Tests;

public class ConditioningTests
{
    static readonly Tokenizer Digits = new(Prompts.All("mnist").Select(p => p.Prompt));

    [Fact]
    public void Known_words_get_stable_ids_and_case_and_punctuation_do_not_matter()
    {
        Assert.Equal(Digits.Encode("a handwritten seven"), Digits.Encode("A Handwritten, SEVEN!"));
        Assert.Equal(3, Digits.Encode("the digit 7").Length);
        Assert.DoesNotContain(Tokenizer.Padding, Digits.Encode("seven"));
    }

    [Fact]
    public void Unknown_words_are_named_and_the_vocabulary_listed()
    {
        var e = Assert.Throws<HyperparameterException>(() => Digits.Encode("a purple dragon seven"));
        Assert.Contains("'purple', 'dragon'", e.Message);
        Assert.Contains("handwritten", e.Message);
        Assert.Contains("It knows only", e.Message);
        Assert.Throws<HyperparameterException>(() => Digits.Encode("  ,, "));
    }

    [Fact]
    public void A_null_prompt_or_an_empty_list_is_refused_in_words()
    {
        Assert.Contains("a prompt is null", Assert.Throws<HyperparameterException>(() => Digits.Encode(null!)).Message);
        Assert.Contains("prompt 2 of 2 is null", Assert.Throws<HyperparameterException>(() => Digits.EncodeBatch(["seven", null!])).Message);
        Assert.Contains("no prompts", Assert.Throws<HyperparameterException>(() => Digits.EncodeBatch([])).Message);
        Assert.Contains("no prompts", Assert.Throws<HyperparameterException>(() => Digits.EncodeBatch(null!)).Message);
    }

    [Fact]
    public void A_long_unknown_prompt_is_echoed_cut_short()
    {
        string prompt = string.Concat(Enumerable.Repeat("dragon ", 1500));   // 10,500 characters
        var e = Assert.Throws<HyperparameterException>(() => Digits.Encode(prompt));
        Assert.Contains("…", e.Message);
        Assert.Contains("10,500 characters", e.Message);
        Assert.True(e.Message.Length < 600, $"the message has {e.Message.Length} characters");
        string word = new('q', 10_000);
        var one = Assert.Throws<HyperparameterException>(() => Digits.Encode(word));
        Assert.True(one.Message.Length < 600, $"the message has {one.Message.Length} characters");
    }

    [Fact]
    public void Characters_the_tokenizer_does_not_know_are_named_not_dropped()
    {
        var e = Assert.Throws<HyperparameterException>(() => Digits.Encode("seven\U0001F600"));
        Assert.Contains("'\U0001F600' (U+1F600)", e.Message);
        Assert.Contains("sev", Assert.Throws<HyperparameterException>(() => Digits.Encode("sev\u00e9n")).Message);
        Assert.Contains("(U+00E9)", Assert.Throws<HyperparameterException>(() => Digits.Encode("sev\u00e9n")).Message);
        Assert.Equal(Digits.Encode("seven"), Digits.Encode("  seven... "));   // spaces and ASCII punctuation still separate words
    }

    [Fact]
    public void Prompts_for_an_unknown_dataset_are_refused_not_made_of_digits()
    {
        Assert.Contains("Allowed: mnist, fashion-mnist, digits", Assert.Throws<HyperparameterException>(() => Prompts.For("cifar10", 3)).Message);
    }

    [Fact]
    public void Batches_are_padded_to_the_longest_prompt()
    {
        var ids = Digits.EncodeBatch(["seven", "a handwritten seven"]);
        Assert.Equal([2L, 3], ids.shape);
        Assert.Equal(Tokenizer.Padding, ids[0, 1].item<long>());
        Assert.Equal(Tokenizer.Padding, ids[0, 2].item<long>());
    }

    [Fact]
    public void Encoder_averages_word_vectors_and_ignores_padding()
    {
        Seeds.Global(0);
        var encoder = new TextEncoder(Digits.VocabularySize, 8);
        // "seven" alone and "seven seven" padded: the same mean word vector, so the same output.
        var ids = Digits.EncodeBatch(["seven", "seven seven"]);
        var vectors = encoder.forward(ids);
        Assert.True(vectors[0].allclose(vectors[1], rtol: 1e-5, atol: 1e-6));
        Assert.False(vectors[0].allclose(encoder.forward(Digits.EncodeBatch(["three"]))[0]));
    }

    [Fact]
    public void Fashion_prompts_name_the_garment()
    {
        Assert.Contains("a sneaker", Prompts.For("fashion-mnist", 7));
        Assert.Contains("the digit 7", Prompts.For("mnist", 7));
    }

    [Fact]
    public void Guidance_zero_is_unconditional_one_is_conditional_and_larger_extrapolates()
    {
        var uncond = tensor(new float[] { 1, 2 });
        var cond = tensor(new float[] { 3, 1 });
        Assert.True(Guidance.Combine(uncond, cond, 0).allclose(uncond));
        Assert.True(Guidance.Combine(uncond, cond, 1).allclose(cond));
        Assert.True(Guidance.Combine(uncond, cond, 3).allclose(tensor(new float[] { 7, -1 })));   // 1 + 3*(3-1), 2 + 3*(1-2)
    }

    [Fact]
    public void Batched_guidance_sends_the_condition_to_the_first_half_and_no_condition_to_the_second()
    {
        // A fake model whose output is its condition input: the guided result must be uncond + w (cond - uncond).
        Tensor Model(Tensor x, Tensor t, Tensor c) => c + 0 * x.sum();
        var xt = zeros(2, 3);
        var t = tensor(new long[] { 5, 5 });
        var cond = full(2, 3, 2f);
        var none = full(2, 3, 1f);
        var guided = Guidance.Predict(Model, xt, t, cond, none, w: 2);
        Assert.True(guided.allclose(full(2, 3, 3f)));   // 1 + 2 * (2 - 1)
        Assert.Throws<HyperparameterException>(() => Guidance.Predict(Model, xt, t, cond, none, w: double.NaN));
    }
}
