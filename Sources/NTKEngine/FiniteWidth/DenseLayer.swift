import COpenBLAS

/// A finite fully connected layer y = (W_std/√n)·w·x + b_std·b (dgemv forward, dger/dgemv
/// backward). Parameters: the `outputs × inputs` weights row-major, then `outputs` biases.
struct DenseLayer: Sendable {
    let inputs: Int
    let outputs: Int
    let affine: LinearScales

    var weightCount: Int { inputs * outputs }

    func forward(_ x: [Double], params: UnsafeBufferPointer<Double>, offset: Int) -> [Double] {
        var y = [Double](repeating: 0, count: outputs)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(outputs), Int32(inputs), affine.weightScale(fanIn: inputs),
                            params.baseAddress.map { $0 + offset }, Int32(inputs), xp.baseAddress, 1, 0, yp.baseAddress, 1)
            }
        }
        if let bs = affine.bStd {
            let bo = offset + weightCount
            for i in 0..<outputs { y[i] += bs * params[bo + i] }
        }
        return y
    }

    /// Writes ∂f/∂w, ∂f/∂b into `grad` and returns ∂f/∂x.
    func backward(_ x: [Double], dy: [Double], params: UnsafeBufferPointer<Double>, offset: Int,
                  grad: UnsafeMutableBufferPointer<Double>) -> [Double] {
        var dx = [Double](repeating: 0, count: inputs)
        let gw = affine.weightGradientScale(fanIn: inputs)
        x.withUnsafeBufferPointer { xp in
            dy.withUnsafeBufferPointer { dyp in
                guard let g = grad.baseAddress.map({ $0 + offset }) else { return }
                g.initialize(repeating: 0, count: weightCount)
                cblas_dger(CblasRowMajor, Int32(outputs), Int32(inputs), gw, dyp.baseAddress, 1, xp.baseAddress, 1, g, Int32(inputs))
                dx.withUnsafeMutableBufferPointer { dxp in
                    cblas_dgemv(CblasRowMajor, CblasTrans, Int32(outputs), Int32(inputs), affine.weightScale(fanIn: inputs),
                                params.baseAddress.map { $0 + offset }, Int32(inputs), dyp.baseAddress, 1, 0, dxp.baseAddress, 1)
                }
            }
        }
        if affine.bStd != nil {
            let bo = offset + weightCount, gb = affine.biasGradientScale
            for i in 0..<outputs { grad[bo + i] = gb * dy[i] }
        }
        return dx
    }
}
