import Testing
@testable import Autograd
import ExprParser

@Suite struct TorchFormatTests {
    // Expected strings printed by PyTorch with torch.set_default_dtype(torch.float64).
    @Test func matchesPyTorchRepr() throws {
        let a = Variable([2, 3], requiresGrad: true)
        let out = try (3 * (a + 3).pow(2)).mean()
        #expect(formatTorch(out) == "tensor(91.5000, grad_fn=<MeanBackward0>)")
        #expect(formatTorch(a) == "tensor([2., 3.], requires_grad=True)")
        #expect(formatTorch(Tensor([15, 18])) == "tensor([15., 18.])")
        #expect(formatTorch(Tensor(2)) == "tensor(2.)")
        #expect(formatTorch(Tensor([1.5, -2.25])) == "tensor([ 1.5000, -2.2500])")
        #expect(formatTorch(Tensor(shape: [3, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1]))
            == "tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]])")
        #expect(formatTorch(Tensor(shape: [2, 2], data: [1.123456, 2000, 3, 4]))
            == "tensor([[1.1235e+00, 2.0000e+03],\n        [3.0000e+00, 4.0000e+00]])")
        #expect(formatTorch(Tensor([1e-5, 1])) == "tensor([1.0000e-05, 1.0000e+00])")
        #expect(formatTorch(Tensor([.nan, 1, .infinity])) == "tensor([nan, 1., inf])")
        #expect(formatTorch(Tensor([.nan, 1.5, -.infinity])) == "tensor([   nan, 1.5000,   -inf])")
        #expect(formatTorch(Tensor.zeros([2, 2, 2]))
            == "tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])")
        #expect(formatTorch(Tensor([])) == "tensor([])")
        #expect(formatTorch(Tensor.zeros([0, 3])) == "tensor([], size=(0, 3))")
        #expect(formatTorch(Tensor(1e10)) == "tensor(1.0000e+10)")
        #expect(formatTorch(Tensor([0, -0.0])) == "tensor([0., -0.])")
        #expect(formatTorch(Tensor(.nan)) == "tensor(nan)")
        #expect(formatTorch(Tensor([123456789])) == "tensor([1.2346e+08])")
    }

    @Test func wrapsLongRowsAt80Columns() {
        let t = Tensor((0..<30).map { Double($0) * 1.5 })
        #expect(formatTorch(t) == """
            tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,
                    12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,
                    24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,
                    36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])
            """)
    }

    @Test func summarisesLargeTensors() {
        #expect(formatTorch(Tensor((0..<2000).map(Double.init))) == """
            tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,
                    1.9990e+03])
            """)
        let row = "[1., 1., 1.,  ..., 1., 1., 1.]"
        let expected = "tensor([" + ([row, row, row, "...", row, row, row]).joined(separator: ",\n        ") + "])"
        #expect(formatTorch(Tensor.ones([40, 40])) == expected)
    }

    @Test func suffixMovesToTheNextLineWhenTheLastLineIsFull() throws {
        let x = Variable(Tensor(shape: [2, 50], data: (0..<100).map(Double.init)), requiresGrad: true)
        let text = formatTorch(try x * 2)
        #expect(text.hasSuffix("         196., 198.]], grad_fn=<MulBackward0>)"))
        let long = formatTorch(Tensor([0.9741, 1.7014, 2.5789, 3.5298]), gradFn: "BinaryCrossEntropyWithLogitsBackward0")
        #expect(long == "tensor([0.9741, 1.7014, 2.5789, 3.5298],\n       grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)")
        let seven = formatTorch(Tensor((0..<7).map { Double($0) + 0.5 }), gradFn: "MulBackward0")
        #expect(seven == "tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000],\n       grad_fn=<MulBackward0>)")
    }
}
