;; floats: Mandelbrot escape counts on a grid plus midpoint-rule integration of
;; 4/(1+x^2) (= pi), all in double-precision arithmetic; integer checksum.
(define (mandel-point cr ci max-iter)
  (let loop ((zr 0.0) (zi 0.0) (i 0))
    (if (or (= i max-iter) (> (+ (* zr zr) (* zi zi)) 4.0))
        i
        (loop (+ (- (* zr zr) (* zi zi)) cr)
              (+ (* 2.0 zr zi) ci)
              (+ i 1)))))

(define (mandel size max-iter)
  (let ((scale (/ 3.0 (exact->inexact size))))
    (let rows ((y 0) (total 0))
      (if (= y size)
          total
          (rows (+ y 1)
                (let cols ((x 0) (total total))
                  (if (= x size)
                      total
                      (cols (+ x 1)
                            (+ total
                               (mandel-point (- (* (exact->inexact x) scale) 2.0)
                                             (- (* (exact->inexact y) scale) 1.5)
                                             max-iter))))))))))

(define (integrate n)
  (let ((h (/ 1.0 (exact->inexact n))))
    (let loop ((i 0) (s 0.0))
      (if (= i n)
          (* s h)
          (let ((x (* h (+ (exact->inexact i) 0.5))))
            (loop (+ i 1) (+ s (/ 4.0 (+ 1.0 (* x x))))))))))

(let ((m (mandel 250 100))
      (p (integrate 1000000)))
  (display "floats ") (display m) (display " ")
  (display (inexact->exact (floor (* p 1000000000.0)))) (newline))
