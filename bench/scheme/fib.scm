;; fib: doubly recursive Fibonacci, (fib 30) repeated.
(define (fib n)
  (if (< n 2)
      n
      (+ (fib (- n 1)) (fib (- n 2)))))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (fib 30)))))

(display "fib ") (display (repeat 25 0)) (newline)
